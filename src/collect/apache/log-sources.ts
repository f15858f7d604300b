import type { LogSource } from "../../core/log-source.ts";
import type { ApacheConfig } from "./config/model.ts";

const NICKNAME_DEFAULTS: Record<string, string> = {
  common: '%h %l %u %t "%r" %>s %b',
  combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"',
};

/**
 * The file a piped logger writes: `|/usr/bin/rotatelogs /var/log/httpd/access_log.%Y%m%d 86400` becomes the
 * glob `/var/log/httpd/access_log.*` (rotatelogs, cronolog, multilog-style targets); undefined when unknown.
 */
export function pipedLogGlob(target: string): string | undefined {
  if (!target.startsWith("|")) return undefined;
  const words = target
    .replace(/^\|\$?/, "")
    .trim()
    .split(/\s+/);
  if (!/(rotatelogs|cronolog)$/.test(words[0] ?? "")) return undefined;
  const file = words.slice(1).find((w) => w.startsWith("/"));
  if (!file) return undefined;
  return /%/.test(file) ? file.replace(/%[A-Za-z]/g, "*").replace(/\*+/g, "*") : `${file}*`;
}

/**
 * The access and error logs an Apache configuration writes, with their LogFormat strings resolved
 * from nicknames. Piped loggers ("|/usr/bin/rotatelogs ...") are kept as written; readers skip them.
 */
export function apacheLogSources(cfg: ApacheConfig): LogSource[] {
  const out: LogSource[] = [];
  const seen = new Set<string>();
  for (const l of cfg.logs) {
    let format: string | undefined;
    if (l.kind === "access") {
      const f = l.format;
      if (f === undefined) format = cfg.logFormats[""] ?? NICKNAME_DEFAULTS.common;
      else if (Object.hasOwn(cfg.logFormats, f)) format = cfg.logFormats[f];
      else if (Object.hasOwn(NICKNAME_DEFAULTS, f)) format = NICKNAME_DEFAULTS[f];
      else if (f.includes("%")) format = f;
      else format = undefined;
    }
    const key = `${l.kind}\0${l.target}\0${format ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      path: pipedLogGlob(l.target) ?? l.target,
      kind: l.kind,
      format,
      configFile: l.where.file,
      configLine: l.where.line,
      vhost: l.vhost,
    });
  }
  if (!cfg.logs.some((l) => l.kind === "error" && l.vhost === undefined))
    // httpd's compiled-in default (DEFAULT_ERRORLOG) when the main server names none.
    out.push({ path: `${cfg.serverRoot.replace(/\/$/, "")}/logs/error_log`, kind: "error" });
  return out;
}
