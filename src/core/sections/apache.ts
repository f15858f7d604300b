import { z } from "zod";

/** What the package manager says owns an Apache binary. */
const packageOwner = z.strictObject({
  manager: z.enum(["dpkg", "rpm", "apk"]),
  name: z.string(),
  source: z.string().optional(),
  version: z.string(),
  distro: z.string().optional(),
  release: z.string().optional(),
  origin: z.enum(["distro", "third-party", "unknown"]),
});

const logSource = z.strictObject({
  path: z.string(),
  kind: z.enum(["access", "error"]),
  format: z.string().optional(),
  configFile: z.string().optional(),
  configLine: z.number().int().optional(),
  vhost: z.string().optional(),
});

export const apacheInstallationSchema = z.strictObject({
  binary: z.string(),
  aliases: z.array(z.string()),
  pids: z.array(z.number().int()),
  version: z.string().optional(),
  product: z.string().optional(),
  liveModules: z.array(z.string()).optional(),
  mpm: z.string().optional(),
  versionSource: z.enum(["package", "live-binary", "binary-file"]).optional(),
  owner: packageOwner.optional(),
  /** The package database that could not be read, so the owner is unknown. */
  packageDbUnreadable: z.string().optional(),
  /** The package that claims this path although the file's version differs. */
  packageMismatch: packageOwner.optional(),
  configFile: z.string().optional(),
  configFiles: z.array(z.string()).optional(),
  modules: z.array(z.string()).optional(),
  logSources: z.array(logSource),
  /** How far CVE-2021-41773/42013 reach on this installation (undefined: no such finding). */
  traversalVerdict: z
    .enum(["rce", "read", "read-limited", "not-exposed", "unknown", "not-vulnerable"])
    .optional(),
});

/** `sections.apache`: the Apache installations found and what the audit knows of each. */
export const apacheSectionSchema = z.strictObject({
  installations: z.array(apacheInstallationSchema),
});

export type ApacheSection = z.infer<typeof apacheSectionSchema>;
