import { z } from "zod";

const listener = z.strictObject({
  protocol: z.string(),
  port: z.number().int().nonnegative(),
  addresses: z.array(z.string()),
  scope: z.enum(["loopback", "all", "address"]),
  /** The known service on this port (id from the service list). */
  service: z.string().optional(),
  processes: z.array(
    z.strictObject({
      pid: z.number().int(),
      comm: z.string(),
      exe: z.string().optional(),
      user: z.string().optional(),
      package: z.string().optional(),
      packageVersion: z.string().optional(),
      unit: z.string().optional(),
    }),
  ),
  /** What the saved firewall rules do to this port; `blocked: null` when they cannot tell. */
  firewall: z
    .strictObject({
      blocked: z.boolean().nullable(),
      kind: z.enum(["rule", "policy", "none", "disabled"]),
      tool: z.string().optional(),
      file: z.string().optional(),
      line: z.number().int().optional(),
    })
    .optional(),
});

/** `sections.exposure`: listening sockets grouped by port, and the saved firewall rulesets. */
export const exposureSectionSchema = z.strictObject({
  listeners: z.array(listener),
  firewall: z.array(
    z.strictObject({
      tool: z.enum(["ufw", "nftables", "iptables"]),
      family: z.union([z.literal(0), z.literal(4), z.literal(6)]),
      file: z.string(),
      policy: z.enum(["accept", "drop"]).nullable(),
      enabled: z.boolean().nullable(),
      rules: z.number().int().nonnegative(),
    }),
  ),
});

export type ExposureSection = z.infer<typeof exposureSectionSchema>;
export type ExposureListener = z.infer<typeof listener>;
