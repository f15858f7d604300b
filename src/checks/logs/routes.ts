/**
 * Where Apache's configuration sends a request's path before any file is looked up, for the one case
 * that settles a probe's outcome: a path handed to a single program (`ScriptAliasMatch
 * "^/(?!css/|js/)(.*)$" /srv/shop/app.cgi/$1`: every path but a few prefixes is answered by app.cgi).
 * A probe for a file at such a path (`/.env`, `/.git/config`) got the program's answer, never the file,
 * however the site's answers vary in size. Pure.
 *
 * Only what can be read without running the configuration's regex is understood: a prefix (Alias,
 * ScriptAlias), or `^/` with an optional negative lookahead of literal prefixes and `.*` / `.+`. An
 * attacker's path is never matched against a PCRE pattern. Anything else before the program's route
 * (another regex alias), mod_rewrite loaded (it maps paths before mod_alias does), or a log file shared
 * by scopes whose routes differ leaves the route unknown.
 */
import type { AliasEntry, ApacheConfig, ApacheFacts } from "../../facts/apache.ts";

type Step =
  /** Alias or ScriptAlias: paths under `url` go elsewhere. */
  | { kind: "prefix"; url: string }
  /** Every path but those starting with one of `except` (after the leading `/`) runs `program`. */
  | { kind: "program"; program: string; except: string[]; nonEmpty: boolean }
  /** A regex alias this cannot read: what follows it is unknown. */
  | { kind: "opaque" };

export interface SiteRoutes {
  /** Access-log targets (as configured) whose lines these routes describe. */
  logs: string[];
  /** Aliases in the order Apache tries them (the virtual host's, then the main server's). */
  steps: Step[];
}

/** The routes of each scope (main server, virtual hosts) that names its own access log. */
export function siteRoutes(apache: ApacheFacts | undefined): SiteRoutes[] {
  const out: SiteRoutes[] = [];
  for (const inst of apache?.installations ?? []) {
    const cfg = inst.config;
    if (!cfg || cfg.modules.some((m) => m.id === "rewrite_module")) continue;
    out.push(...scopesOf(cfg));
  }
  // A log named by two scopes holds lines routed two ways: no route for it.
  const count = new Map<string, number>();
  for (const r of out) for (const l of r.logs) count.set(l, (count.get(l) ?? 0) + 1);
  return out
    .map((r) => ({ ...r, logs: r.logs.filter((l) => count.get(l) === 1) }))
    .filter((r) => r.logs.length > 0 && r.steps.some((s) => s.kind === "program"));
}

function scopesOf(cfg: ApacheConfig): SiteRoutes[] {
  const accessLogs = (vhost: string | undefined) =>
    cfg.logs
      .filter((l) => l.kind === "access" && l.vhost === vhost && l.target.startsWith("/"))
      .map((l) => l.target);
  const aliases = (vhost: string | undefined) => cfg.aliases.filter((a) => a.vhost === vhost);
  const main = aliases(undefined).map(stepOf);
  const vhosts = [...new Set(cfg.aliases.map((a) => a.vhost).concat(cfg.logs.map((l) => l.vhost)))].filter(
    (v): v is string => v !== undefined,
  );
  const out: SiteRoutes[] = [];
  // The main server's log also takes the lines of every virtual host without a log of its own, whose
  // own aliases come first.
  const mixed = vhosts.some((v) => accessLogs(v).length === 0 && aliases(v).length > 0);
  if (!mixed) out.push({ logs: accessLogs(undefined), steps: main });
  for (const v of vhosts) out.push({ logs: accessLogs(v), steps: [...aliases(v).map(stepOf), ...main] });
  return out;
}

function stepOf(a: AliasEntry): Step {
  if (a.kind === "Alias" || a.kind === "ScriptAlias") return { kind: "prefix", url: a.url };
  if (a.kind !== "ScriptAliasMatch") return { kind: "opaque" };
  const shape = catchAllShape(a.url);
  const program = singleProgram(a.target);
  return shape && program ? { kind: "program", program, ...shape } : { kind: "opaque" };
}

/** `^/(?!a/|b)(.*)$` and its plainer forms: the excluded literal prefixes, or undefined. */
export function catchAllShape(re: string): { except: string[]; nonEmpty: boolean } | undefined {
  if (!re.startsWith("^/")) return undefined;
  let rest = re.slice(2);
  let except: string[] = [];
  if (rest.startsWith("(?!")) {
    const end = rest.indexOf(")");
    if (end < 0) return undefined;
    except = rest.slice(3, end).split("|").map(unescapeLiteral) as string[];
    if (except.some((e) => e === undefined || e === "")) return undefined;
    rest = rest.slice(end + 1);
  }
  const tail = /^(?:\((\.[*+])\)|(\.[*+]))\$?$/.exec(rest);
  if (!tail) return undefined;
  return { except, nonEmpty: (tail[1] ?? tail[2]) === ".+" };
}

/** A regex piece of plain characters (`favicon\.ico`), as the text it matches. */
function unescapeLiteral(s: string): string | undefined {
  const lit = s.replace(/\\([./-])/g, "$1");
  return /^[\w./-]+$/.test(lit) ? lit : undefined;
}

/**
 * The one program a ScriptAliasMatch target runs: `/srv/app.cgi/$1` (the rest as PATH_INFO) or a
 * target with no `$`; not `/usr/lib/cgi-bin/$1`, where each path names its own program.
 */
function singleProgram(target: string): string | undefined {
  const at = target.indexOf("$");
  if (at < 0) return target;
  const before = target.slice(0, at);
  if (!before.endsWith("/")) return undefined;
  let end = before.length;
  while (end > 0 && before[end - 1] === "/") end--;
  const dir = before.slice(0, end);
  const last = dir.slice(dir.lastIndexOf("/") + 1);
  return last.includes(".") ? dir : undefined;
}

/** The routes that describe a log file (its configured target, or a rotation of it). */
export function routesOfLog(routes: SiteRoutes[], file: string): SiteRoutes | undefined {
  return routes.find((r) =>
    r.logs.some((l) => file === l || (file.startsWith(l) && /^[.-]\d/.test(file.slice(l.length)))),
  );
}

/**
 * The program that answered a request for `path` (decoded, dot segments removed, no query), when the
 * configuration says so for certain.
 */
export function programFor(r: SiteRoutes, path: string): string | undefined {
  if (!path.startsWith("/")) return undefined;
  for (const s of r.steps) {
    if (s.kind === "opaque") return undefined;
    if (s.kind === "prefix") {
      if (underPrefix(path, s.url)) return undefined;
      continue;
    }
    const rest = path.slice(1);
    if (s.nonEmpty && rest === "") continue;
    if (!s.except.some((e) => rest.startsWith(e))) return s.program;
  }
  return undefined;
}

/** Apache's Alias match: `/icons/` takes `/icons/x`; `/icons` takes `/icons` and `/icons/x`. */
function underPrefix(path: string, url: string): boolean {
  if (url.endsWith("/")) return path.startsWith(url);
  return path === url || path.startsWith(`${url}/`);
}
