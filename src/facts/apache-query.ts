import { trimEndOf } from "../core/cut.ts";
import type { AccessSpec, ApacheConfig, LoadedModule, Section, TrustProblem } from "./apache.ts";

/**
 * Questions the checks ask of an Apache configuration model (which module is loaded, which access a path
 * or URL gets): pure functions of the facts, so collectors and checks share one answer.
 */
export function trimSlash(p: string): string {
  if (p === "/" || p === "") return "/";
  return trimEndOf(p, "/");
}

export function hasModule(cfg: ApacheConfig, ...names: string[]): LoadedModule | undefined {
  const want = names.map((n) => n.toLowerCase());
  return cfg.modules.find((m) => want.includes(m.id.toLowerCase()) || want.includes(m.source.toLowerCase()));
}

/** True when `p` is `dir` or below it (plain path prefixes, component-wise). */
export function isUnder(p: string, dir: string): boolean {
  const d = trimSlash(dir);
  if (d === "/") return true;
  return p === d || p.startsWith(`${d}/`);
}

/**
 * The access Apache would apply to a file at `fsPath` by its <Directory> sections alone: sections are
 * merged shortest path first, in configuration order, and the last one that says something wins.
 * Sections of virtual hosts apply on top of the main server's for that host.
 */
export function directoryAccess(
  cfg: ApacheConfig,
  fsPath: string,
  vhost?: string,
): AccessSpec & { section?: Section } {
  const candidates = cfg.sections
    .map((s, i) => ({ s, i }))
    .filter(
      ({ s }) =>
        s.kind === "directory" &&
        !s.regex &&
        (s.vhost === undefined || s.vhost === vhost) &&
        isUnder(fsPath, s.target),
    )
    .sort(
      (a, b) =>
        depth(a.s.target) - depth(b.s.target) || (a.s.vhost ? 1 : 0) - (b.s.vhost ? 1 : 0) || a.i - b.i,
    );
  let result: AccessSpec & { section?: Section } = { access: "unspecified" };
  for (const { s } of candidates) if (s.access.access !== "unspecified") result = { ...s.access, section: s };
  return result;
}

/** The <Location> sections that cover a URL; they are merged after <Directory> and so override it. */
export function locationAccess(
  cfg: ApacheConfig,
  url: string,
  vhost?: string,
): AccessSpec & { section?: Section } {
  let result: AccessSpec & { section?: Section } = { access: "unspecified" };
  for (const s of cfg.sections) {
    if (s.kind !== "location" || s.regex || (s.vhost !== undefined && s.vhost !== vhost)) continue;
    const loc = s.target === "/" ? "/" : trimEndOf(s.target, "/");
    // httpd matches Location on path segments: /cgi covers /cgi and /cgi/x, not /cgi-bin.
    if (loc === "/" || url === loc || url.startsWith(`${loc}/`))
      if (s.access.access !== "unspecified") result = { ...s.access, section: s };
  }
  return result;
}

function depth(p: string): number {
  return p === "/" ? 0 : p.split("/").filter(Boolean).length;
}

/** The sentence that says why a path is not trusted, as a message key and its parameters (collect and checks word it alike). */
export function trustProblemMessage(p: TrustProblem): {
  key:
    | "apache.trust.owner"
    | "apache.trust.writable"
    | "apache.trust.link"
    | "apache.trust.loop"
    | "apache.trust.type"
    | "apache.trust.missing";
  params: Record<string, string | number>;
} {
  const mode = p.mode !== undefined ? p.mode.toString(8).padStart(4, "0") : "?";
  switch (p.why) {
    case "owner":
      return { key: "apache.trust.owner", params: { path: p.path, uid: p.uid ?? "?" } };
    case "writable":
      return { key: "apache.trust.writable", params: { path: p.path, mode } };
    case "link-owner":
      return { key: "apache.trust.link", params: { path: p.path, uid: p.uid ?? "?" } };
    case "loop":
      return { key: "apache.trust.loop", params: { path: p.path } };
    case "type":
      return { key: "apache.trust.type", params: { path: p.path } };
    default:
      return { key: "apache.trust.missing", params: { path: p.path } };
  }
}
