import * as path from "node:path";
import type { AccessSpec, ApacheConfig, Where } from "../../../facts/apache.ts";
import {
  directoryAccess,
  hasModule,
  isUnder,
  locationAccess,
  trimSlash,
} from "../../../facts/apache-query.ts";
import type { Directive, ParsedConfig } from "./parse.ts";

/** The configuration facts' types, for the parser and collectors beside this file. */
export type * from "../../../facts/apache.ts";
export { directoryAccess, hasModule, isUnder, locationAccess, trimSlash };

export function whereOf(d: Directive): Where {
  const args = d.args.map((a) => (/\s/.test(a) || a === "" ? `"${a}"` : a)).join(" ");
  const text = d.children ? `<${d.name}${args ? ` ${args}` : ""}>` : `${d.name}${args ? ` ${args}` : ""}`;
  return { file: d.file, line: d.line, text };
}

/** The access a section's own directives give: the last Require (or Order/Allow/Deny) decides. */
export function accessOf(children: Directive[]): AccessSpec {
  let spec: AccessSpec = { access: "unspecified" };
  let order: string | undefined;
  let allowAll: Directive | undefined;
  let denyAll: Directive | undefined;
  let otherHostRule: Directive | undefined;
  for (const d of children) {
    if (d.key === "require") {
      const a = d.args.map((x) => x.toLowerCase());
      const neg = a[0] === "not";
      const rest = neg ? a.slice(1) : a;
      if (rest[0] === "all" && rest[1] === "granted")
        spec = { access: neg ? "denied" : "granted", where: whereOf(d) };
      else if (rest[0] === "all" && rest[1] === "denied")
        spec = { access: neg ? "granted" : "denied", where: whereOf(d) };
      else spec = { access: "restricted", where: whereOf(d) };
    } else if (d.key === "requireall" || d.key === "requireany" || d.key === "requirenone") {
      const inner = accessOf(d.children ?? []);
      spec = {
        access: inner.access === "granted" && d.key !== "requirenone" ? "granted" : "restricted",
        where: whereOf(d),
      };
    } else if (d.key === "order") order = (d.args[0] ?? "").toLowerCase().replace(/\s/g, "");
    else if (d.key === "allow" || d.key === "deny") {
      const all = d.args[0]?.toLowerCase() === "from" && d.args[1]?.toLowerCase() === "all";
      if (d.key === "allow" && all) allowAll = d;
      else if (d.key === "deny" && all) denyAll = d;
      else otherHostRule = d;
    }
  }
  if (spec.access === "unspecified" && (order || allowAll || denyAll)) {
    // mod_access_compat: with Order deny,allow the Allow lines win; with allow,deny (the default) Deny wins.
    const denyFirst = order === "deny,allow";
    if (denyAll && (!allowAll || !denyFirst))
      spec = { access: otherHostRule && denyFirst ? "restricted" : "denied", where: whereOf(denyAll) };
    else if (allowAll) spec = { access: "granted", where: whereOf(allowAll) };
    else if (otherHostRule) spec = { access: "restricted", where: whereOf(otherHostRule) };
    else if (order === "allow,deny") spec = { access: "denied" };
  }
  return spec;
}

function optionsOf(children: Directive[]): string[] {
  let opts: string[] = [];
  for (const d of children) {
    if (d.key !== "options") continue;
    const relative = d.args.every((a) => a.startsWith("+") || a.startsWith("-"));
    if (!relative) opts = [];
    for (const a of d.args) {
      const name = a.replace(/^[+-]/, "").toLowerCase();
      if (a.startsWith("-")) opts = opts.filter((o) => o !== name);
      else if (!opts.includes(name)) opts.push(name);
    }
  }
  return opts;
}

function resolveFrom(serverRoot: string, p: string): string {
  if (p.startsWith("|") || p.includes(":") || path.posix.isAbsolute(p)) return p;
  return path.posix.join(serverRoot, p);
}

/** Turns the parsed directive tree into the facts the checks ask about. */
export function buildModel(parsed: ParsedConfig): ApacheConfig {
  const cfg: ApacheConfig = {
    mainFile: parsed.mainFile,
    serverRoot: parsed.serverRoot,
    files: parsed.files,
    modules: parsed.modules,
    defines: parsed.defines,
    documentRoots: [],
    sections: [],
    aliases: [],
    logs: [],
    logFormats: {},
    vhosts: [],
    listens: [],
  };
  const sr = parsed.serverRoot;
  const walk = (list: Directive[], vhost: string | undefined, inSection: boolean) => {
    for (const d of list) {
      const w = whereOf(d);
      switch (d.key) {
        case "servertokens":
          if (!vhost && !inSection) cfg.serverTokens = { value: d.args[0] ?? "", where: w };
          break;
        case "serversignature":
          if (!vhost && !inSection) cfg.serverSignature = { value: d.args[0] ?? "", where: w };
          break;
        case "documentroot":
          if (d.args[0]) cfg.documentRoots.push({ value: trimSlash(resolveFrom(sr, d.args[0])), where: w });
          break;
        case "listen":
          cfg.listens.push({ value: d.args.join(" "), where: w });
          break;
        case "alias":
        case "scriptalias":
        case "aliasmatch":
        case "scriptaliasmatch": {
          const kind = (
            {
              alias: "Alias",
              scriptalias: "ScriptAlias",
              aliasmatch: "AliasMatch",
              scriptaliasmatch: "ScriptAliasMatch",
            } as const
          )[d.key];
          if (d.args.length >= 2)
            cfg.aliases.push({
              kind,
              url: d.args[0] as string,
              target: resolveFrom(sr, d.args[1] as string),
              vhost,
              where: w,
            });
          break;
        }
        case "logformat":
          if (d.args.length >= 2) cfg.logFormats[d.args[1] as string] = d.args[0] as string;
          else if (d.args[0] && !vhost) cfg.logFormats[""] = d.args[0];
          break;
        case "customlog":
        case "transferlog":
          if (d.args[0])
            cfg.logs.push({
              kind: "access",
              target: resolveFrom(sr, d.args[0]),
              format: d.key === "transferlog" ? undefined : d.args[1],
              vhost,
              where: w,
            });
          break;
        case "errorlog":
          if (d.args[0])
            cfg.logs.push({ kind: "error", target: resolveFrom(sr, d.args[0]), vhost, where: w });
          break;
        case "virtualhost": {
          const children = d.children ?? [];
          const sn = children.find((c) => c.key === "servername")?.args[0];
          const dr = children.find((c) => c.key === "documentroot")?.args[0];
          const name = sn ?? d.args.join(" ");
          cfg.vhosts.push({
            addresses: d.args,
            serverName: sn,
            documentRoot: dr ? trimSlash(resolveFrom(sr, dr)) : undefined,
            where: w,
          });
          walk(children, name, false);
          break;
        }
        case "directory":
        case "directorymatch":
        case "location":
        case "locationmatch":
        case "files":
        case "filesmatch": {
          const children = d.children ?? [];
          const regex = d.key.endsWith("match") || d.args[0] === "~";
          const target = d.args[0] === "~" ? (d.args[1] ?? "") : (d.args[0] ?? "");
          const kind = d.key.startsWith("dir") ? "directory" : d.key.startsWith("loc") ? "location" : "files";
          const handler = children.filter((c) => c.key === "sethandler").at(-1)?.args[0];
          cfg.sections.push({
            kind,
            target: kind === "directory" && !regex ? trimSlash(resolveFrom(sr, target)) : target,
            regex,
            access: accessOf(children),
            options: optionsOf(children),
            optionsWhere: ((o) => (o ? whereOf(o) : undefined))(
              children.filter((c) => c.key === "options").at(-1),
            ),
            handler: handler?.toLowerCase(),
            vhost,
            where: w,
          });
          walk(children, vhost, true);
          break;
        }
        default:
          if (d.children) walk(d.children, vhost, inSection);
      }
    }
  };
  walk(parsed.directives, undefined, false);
  return cfg;
}
