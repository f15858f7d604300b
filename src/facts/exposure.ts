import { z } from "zod";

/** Exposure facts: listening sockets and their owners, saved firewall rules, bind settings, Apache handlers. */
const str = z.string();
const int = z.number().int();

export const scopeSchema = z.enum(["loopback", "all", "address"]);
export type Scope = z.infer<typeof scopeSchema>;

export const listenerProcessSchema = z
  .object({
    pid: int,
    /** Attacker-controlled (a process names itself): escape before display. */
    comm: str,
    exe: str.optional(),
    argv: z.array(str),
    user: str.optional(),
    uid: int.optional(),
    package: str.optional(),
    packageVersion: str.optional(),
    /** The systemd unit the process runs in, from /proc/PID/cgroup. */
    unit: str.optional(),
  })
  .strict();
export type ListenerProcess = z.infer<typeof listenerProcessSchema>;

export const listenerSchema = z
  .object({
    protocol: z.enum(["tcp", "udp"]),
    family: z.union([z.literal(4), z.literal(6)]),
    address: str,
    port: int,
    scope: scopeSchema,
    uid: int,
    user: str.optional(),
    inode: int,
    processes: z.array(listenerProcessSchema),
  })
  .strict();
export type Listener = z.infer<typeof listenerSchema>;

export const fwToolSchema = z.enum(["ufw", "nftables", "iptables"]);
export type FwTool = z.infer<typeof fwToolSchema>;
export const fwActionSchema = z.enum(["accept", "drop"]);
export type FwAction = z.infer<typeof fwActionSchema>;

/** One rule of an input chain, reduced to what decides whether a new connection to a port gets in. */
export const fwRuleSchema = z
  .object({
    protocol: z.enum(["tcp", "udp"]).optional(),
    /** Port ranges; undefined means any port. */
    ports: z.array(z.tuple([int, int])).optional(),
    action: fwActionSchema,
    /** Limited to some sources or interfaces (e.g. `-s 10.0.0.0/8`, `iif lo`): does not decide for everyone. */
    restricted: z.boolean(),
    file: str,
    line: int,
    text: str,
  })
  .strict();
export type FwRule = z.infer<typeof fwRuleSchema>;

export const fwRulesetSchema = z
  .object({
    tool: fwToolSchema,
    /** 4, 6, or 0 for both (nftables inet tables, ufw tuples for both families). */
    family: z.union([z.literal(0), z.literal(4), z.literal(6)]),
    file: str,
    policy: fwActionSchema.optional(),
    policyFile: str.optional(),
    policyLine: int.optional(),
    rules: z.array(fwRuleSchema),
    /** Whether the rules are loaded at boot / enabled, as far as files say; undefined when unknown. */
    enabled: z.boolean().optional(),
    /** The file that says it is enabled or not. */
    enabledBy: str.optional(),
  })
  .strict();
export type FwRuleset = z.infer<typeof fwRulesetSchema>;

export const firewallFactsSchema = z
  .object({
    rulesets: z.array(fwRulesetSchema),
    /** Files looked at (present or not), so the report can say what was read. */
    looked: z.array(str),
  })
  .strict();
export type FirewallFacts = z.infer<typeof firewallFactsSchema>;

export const handlerBlockSchema = z
  .object({
    service: str,
    handler: str,
    file: str,
    /** Line of the SetHandler directive. */
    line: int,
    /** The <Location ...> argument, e.g. "/server-status". */
    location: str.optional(),
    /** True when nothing restricts it to some clients (Require all granted, or no access rule at all). */
    open: z.boolean(),
    /** The access lines of the block (Require, Allow, Deny), as written. */
    access: z.array(z.object({ line: int, text: str }).strict()),
  })
  .strict();
export type HandlerBlock = z.infer<typeof handlerBlockSchema>;

export const bindSettingSchema = z
  .object({
    service: str,
    directive: str,
    /** The file that holds (or would hold) the setting. */
    file: str,
    /** Line number when the directive is present; absent when the file exists but does not set it. */
    line: int.optional(),
    /** The value as written (from a configuration file: may be attacker-influenced, escape when shown). */
    value: str.optional(),
    /** The whole line as written (trimmed). */
    text: str.optional(),
    safe: str,
  })
  .strict();
export type BindSetting = z.infer<typeof bindSettingSchema>;

export const exposureFactsSchema = z
  .object({
    listeners: z.array(listenerSchema),
    bind: z.array(bindSettingSchema),
    firewall: firewallFactsSchema,
    /** Apache handlers (server-status, server-info) set in the configuration. */
    handlers: z.array(handlerBlockSchema),
    /** False when the root has no /proc/net to read (an image without a recorded /proc). */
    socketsRead: z.boolean(),
  })
  .strict();
export type ExposureFacts = z.infer<typeof exposureFactsSchema>;
