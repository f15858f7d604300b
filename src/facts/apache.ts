import { z } from "zod";

/**
 * Apache facts: each installation found (binary, version and where it came from, the package that owns
 * it) with the parsed configuration model the checks read, and the Apache-like processes not followed.
 */
const str = z.string();
const int = z.number().int();

export const trustWhySchema = z.enum(["owner", "writable", "link-owner", "missing", "loop", "type"]);
export type TrustWhy = z.infer<typeof trustWhySchema>;

/** Why a path is not trusted: the first component at fault. */
export const trustProblemSchema = z
  .object({ path: str, why: trustWhySchema, uid: int.optional(), mode: int.optional() })
  .strict();
export type TrustProblem = z.infer<typeof trustProblemSchema>;

/** What the bytes of an httpd binary say about itself (strings compiled into it). */
export const binaryStringsSchema = z
  .object({
    /** "2.4.49" from "Apache/2.4.49 (Unix)". */
    version: str.optional(),
    /** The whole product string ("Apache/2.4.49 (Unix)"). */
    product: str.optional(),
    httpdRoot: str.optional(),
    serverConfigFile: str.optional(),
    /** The file starts with the ELF magic (only an ELF file is ever executed). */
    elf: z.boolean(),
    /** Modules compiled in, by source name as `httpd -l` prints them ("mod_so.c"). */
    staticModules: z.array(str).optional(),
    bytesRead: z.number(),
    truncated: z.boolean(),
  })
  .strict();
export type BinaryStrings = z.infer<typeof binaryStringsSchema>;

/** What the binary says about itself (`-v`, `-l`); only on the live root. */
export const liveInfoSchema = z
  .object({
    version: str.optional(),
    product: str.optional(),
    /** Compiled-in modules as `httpd -l` prints them ("mod_so.c"). */
    modules: z.array(str).optional(),
    errors: z.array(str),
  })
  .strict();
export type LiveInfo = z.infer<typeof liveInfoSchema>;

/** Why a binary was not run, when it was not. */
export type NotRun =
  | { why: "untrusted-path"; problem: TrustProblem }
  | { why: "not-apache" | "not-elf" }
  /** What the dynamic loader would read (its interpreter, a library or a library directory) is not root's alone. */
  | {
      why: "untrusted-loader";
      what: "interpreter" | "directory" | "library";
      by: string;
      problem: TrustProblem;
    }
  /** The ELF headers that say what the loader reads could not be followed. */
  | { why: "unreadable-loader"; by: string; detail: string };

export const packageOwnerSchema = z
  .object({
    manager: z.enum(["dpkg", "rpm", "apk"]),
    name: str,
    source: str.optional(),
    version: str,
    distro: str.optional(),
    release: str.optional(),
    origin: z.enum(["distro", "third-party", "unknown"]),
  })
  .strict();

/** The package that owns a binary, and where the package database said so (for evidence). */
export const ownerFactSchema = z
  .object({ owner: packageOwnerSchema, source: str, line: int.optional() })
  .strict();
export type OwnerFact = z.infer<typeof ownerFactSchema>;

/** Whether a package database was present but could not be read (lowers confidence in the binary's version). */
export const ownerLookupSchema = z
  .object({ found: ownerFactSchema.optional(), dbUnreadable: str.optional() })
  .strict();
export type OwnerLookup = z.infer<typeof ownerLookupSchema>;

/** One directive as Apache would apply it, with where it was written. Sections keep their children. */
export interface Directive {
  /** Name as written (LoadModule, <Directory> is "Directory"). */
  name: string;
  /** Lower-case name for lookups. */
  key: string;
  args: string[];
  file: string;
  line: number;
  children?: Directive[];
}
export const directiveSchema: z.ZodType<Directive> = z.lazy(() =>
  z
    .object({
      name: str,
      key: str,
      args: z.array(str),
      file: str,
      line: int,
      children: z.array(directiveSchema).optional(),
    })
    .strict(),
);

export const loadedModuleSchema = z
  .object({
    /** Module identifier (cgid_module). */
    id: str,
    /** Source file name as <IfModule> accepts it (mod_cgid.c). */
    source: str,
    /** Shared object path, when loaded by LoadModule. */
    path: str.optional(),
    file: str.optional(),
    line: int.optional(),
  })
  .strict();
export type LoadedModule = z.infer<typeof loadedModuleSchema>;

/** Where a directive was written, for evidence. */
export const whereSchema = z
  .object({
    file: str,
    line: int,
    /** The directive as written, normalised to one line. */
    text: str,
  })
  .strict();
export type Where = z.infer<typeof whereSchema>;

export const accessSchema = z.enum(["granted", "denied", "restricted", "unspecified"]);
export type Access = z.infer<typeof accessSchema>;

export const accessSpecSchema = z.object({ access: accessSchema, where: whereSchema.optional() }).strict();
export type AccessSpec = z.infer<typeof accessSpecSchema>;

export const sectionSchema = z
  .object({
    kind: z.enum(["directory", "location", "files"]),
    /** Path, URL or file pattern as written. */
    target: str,
    regex: z.boolean(),
    access: accessSpecSchema,
    options: z.array(str),
    /** The last Options line of the section. */
    optionsWhere: whereSchema.optional(),
    handler: str.optional(),
    vhost: str.optional(),
    where: whereSchema,
  })
  .strict();
export type Section = z.infer<typeof sectionSchema>;

export const aliasEntrySchema = z
  .object({
    kind: z.enum(["Alias", "ScriptAlias", "AliasMatch", "ScriptAliasMatch"]),
    url: str,
    target: str,
    vhost: str.optional(),
    where: whereSchema,
  })
  .strict();
export type AliasEntry = z.infer<typeof aliasEntrySchema>;

export const logDirectiveSchema = z
  .object({
    kind: z.enum(["access", "error"]),
    /** Path as written (relative ones resolved against ServerRoot), or "|command", "syslog:...". */
    target: str,
    format: str.optional(),
    vhost: str.optional(),
    where: whereSchema,
  })
  .strict();
export type LogDirective = z.infer<typeof logDirectiveSchema>;

export const virtualHostSchema = z
  .object({
    addresses: z.array(str),
    serverName: str.optional(),
    documentRoot: str.optional(),
    where: whereSchema,
  })
  .strict();
export type VirtualHost = z.infer<typeof virtualHostSchema>;

export const settingSchema = z.object({ value: str, where: whereSchema }).strict();
export type Setting = z.infer<typeof settingSchema>;

/** The facts the checks need from one Apache configuration: every value keeps its file and line. */
export const apacheConfigSchema = z
  .object({
    mainFile: str,
    serverRoot: str,
    files: z.array(str),
    modules: z.array(loadedModuleSchema),
    defines: z.record(str, str),
    serverTokens: settingSchema.optional(),
    serverSignature: settingSchema.optional(),
    documentRoots: z.array(settingSchema),
    sections: z.array(sectionSchema),
    aliases: z.array(aliasEntrySchema),
    logs: z.array(logDirectiveSchema),
    logFormats: z.record(str, str),
    vhosts: z.array(virtualHostSchema),
    listens: z.array(settingSchema),
  })
  .strict();
export type ApacheConfig = z.infer<typeof apacheConfigSchema>;

/** How the version was established, best first (DESIGN.md: distro data > upstream version > banner). */
export const versionSourceSchema = z.enum(["package", "live-binary", "binary-file"]);
export type VersionSource = z.infer<typeof versionSourceSchema>;

export const apacheInstallationSchema = z
  .object({
    /** Guest path of the binary, symbolic links resolved. */
    binary: str,
    /** Other paths that led to the same binary. */
    aliases: z.array(str),
    pids: z.array(int),
    strings: binaryStringsSchema.optional(),
    live: liveInfoSchema.optional(),
    owner: ownerLookupSchema,
    version: str.optional(),
    product: str.optional(),
    versionSource: versionSourceSchema.optional(),
    configFile: str.optional(),
    config: apacheConfigSchema.optional(),
    /** The MPM, from the compiled-in modules or the configuration's LoadModule (never from running httpd -V). */
    mpm: str.optional(),
    /** The package that claims this path although the file's version differs (replaced outside the package manager). */
    packageMismatch: ownerFactSchema.optional(),
    /** Processes still running a binary that was replaced on disk (an upgrade without restart), with their version. */
    replacedWhileRunning: z
      .array(z.object({ pid: int, product: str.optional(), version: str.optional() }).strict())
      .optional(),
  })
  .strict();
export type ApacheInstallation = z.infer<typeof apacheInstallationSchema>;

/**
 * An Apache-like process mamori does not follow: started by a user other than root, or by root with a
 * configuration (-f) or ServerRoot (-d) a user other than root can change. Its binary is not run and its
 * configuration and envvars are not read; it is reported instead.
 */
export const untrustedInstanceSchema = z
  .object({
    reason: z.enum(["user-started", "user-config"]),
    /** The executable the processes run (from /proc/PID/exe), whatever their name claims. */
    exe: str,
    pids: z.array(int),
    /** The first process of the instance (its parent is not part of it). */
    pid: int,
    uid: int.optional(),
    user: str.optional(),
    /** The first process's command line, bounded (attacker text: escape before display). */
    argv: z.array(str),
    /** The configuration and ServerRoot its command line names, as written (never opened). */
    configFile: str.optional(),
    serverRoot: str.optional(),
    /** For user-config: the path component another user can change. */
    problem: trustProblemSchema.optional(),
    /** The executable holds an Apache/x.y.z string (else it only calls itself apache2/httpd). */
    product: str.optional(),
  })
  .strict();
export type UntrustedInstance = z.infer<typeof untrustedInstanceSchema>;

export const apacheFactsSchema = z
  .object({
    live: z.boolean(),
    distroId: str.optional(),
    distroVersion: str.optional(),
    distroLike: z.array(str),
    installations: z.array(apacheInstallationSchema),
    untrusted: z.array(untrustedInstanceSchema).optional(),
  })
  .strict();
export type ApacheFacts = z.infer<typeof apacheFactsSchema>;

export { branchOf } from "./constants.ts";
