import { z } from "zod";
import type { VulnDb } from "./types.ts";

const level = z.enum(["critical", "high", "medium", "low"]);

const range = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  lessThan: z.string().optional(),
  exact: z.array(z.string()).optional(),
  possible: z.boolean().optional(),
});

const record = z.object({
  id: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
  title: z.string(),
  impact: z.enum(["critical", "important", "moderate", "low", "unknown"]),
  affected: z.array(range),
  fixedIn: z.array(z.string()),
  published: z.string().optional(),
  kev: z
    .object({
      dateAdded: z.string(),
      dueDate: z.string().optional(),
      knownRansomware: z.boolean(),
      name: z.string(),
    })
    .optional(),
  distroFixed: z.record(z.string(), z.string()),
  advisories: z.array(z.string()).optional(),
  distroFirstAdvisory: z.record(z.string(), z.string()).optional(),
  distroOpen: z.array(z.string()).optional(),
  unfixedBranches: z.array(z.string()).optional(),
  source: z.enum(["apache", "osv-bitnami"]).optional(),
  cvssSeverity: level.optional(),
});

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a date");

/** data/vulndb.json as mamori writes it; anything else is reported as unreadable, never trusted. */
export const vulnDbSchema = z.object({
  meta: z.object({
    builtAt: isoTime,
    sources: z.array(
      z.object({
        name: z.string(),
        feed: z.string().optional(),
        url: z.string(),
        fetchedAt: isoTime,
        records: z.number().int().nonnegative(),
        kept: z.boolean().optional(),
        distros: z.array(z.string()).optional(),
      }),
    ),
    kev: z.object({ catalogVersion: z.string(), count: z.number().int().nonnegative() }).optional(),
  }),
  cves: z.array(record),
}) satisfies z.ZodType<VulnDb>;
