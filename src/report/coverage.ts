/**
 * What a report actually checked, read back from its own sections: which Apache versions were found, whether
 * their configuration was read, which logs were read (lines), whether processes were visible. A verdict of
 * "nothing found" means something only next to this, and a question that could not be answered is a gap the
 * headline names, with how to answer it, instead of "Safe".
 */
import type { ReportDocument } from "../core/document.ts";
import { type Msg, msg } from "../core/message.ts";
import type { MessageKey } from "../i18n/index.ts";
import type { RenderedDocument } from "./localize.ts";

export type CoverageArea = "apache" | "config" | "logs" | "processes" | "probe";

/**
 * `checked`: answered; `partial`: answered from part of the data (the rest is in "Could not check");
 * `gap`: the question could not be answered; `not-live`: a copied root has none (processes), said plainly.
 */
export type CoverageState = "checked" | "partial" | "gap" | "not-live";

export interface CoverageItem {
  area: CoverageArea;
  state: CoverageState;
  text: Msg;
  /** How to answer what this scan could not (gap and partial). */
  how?: Msg;
}

type Doc = Pick<ReportDocument | RenderedDocument, "sections" | "host" | "notChecked">;

/** Log targets that are a process's standard output or error: a container runtime keeps them, not a file. */
const STD_STREAM = /^\/(?:proc\/self\/fd\/[12]|dev\/(?:stdout|stderr))$/;

const VERSION_SOURCE: Record<string, MessageKey> = {
  package: "coverage.source.package",
  "live-binary": "coverage.source.live",
  "binary-file": "coverage.source.binary",
};

function apacheItems(doc: Doc): CoverageItem[] {
  const apache = doc.sections.apache;
  if (!apache) return [];
  if (apache.installations.length === 0)
    return [
      {
        area: "apache",
        state: "gap",
        text: msg("coverage.apache.none", { root: doc.host.root }),
        how: msg("coverage.apache.noneHow"),
      },
    ];
  const out: CoverageItem[] = [];
  const configProblems = doc.notChecked.filter((n) => n.area === "apache.config").length;
  for (const i of apache.installations) {
    if (i.version)
      out.push({
        area: "apache",
        state: "checked",
        text: msg("coverage.apache.version", {
          version: i.version,
          path: i.binary,
          source: msg(VERSION_SOURCE[i.versionSource ?? ""] ?? "coverage.source.binary"),
        }),
      });
    else
      out.push({
        area: "apache",
        state: "gap",
        text: msg("coverage.apache.noVersion", { path: i.binary }),
        how: msg("coverage.apache.noVersionHow", { path: i.binary }),
      });
    const files = i.configFiles?.length ?? 0;
    if (files === 0)
      out.push({
        area: "config",
        state: "gap",
        text: msg("coverage.config.none", { path: i.binary, file: i.configFile ?? "httpd.conf" }),
        how: msg("coverage.config.noneHow"),
      });
    else if (configProblems > 0)
      out.push({
        area: "config",
        state: "partial",
        text: msg("coverage.config.partial", { files, problems: configProblems }),
        how: msg("coverage.config.partialHow"),
      });
    else out.push({ area: "config", state: "checked", text: msg("coverage.config.read", { files }) });
  }
  return out;
}

const isError = (format: string) => format.endsWith("-error");

/** " 2026-11-01 – 2026-12-03": the days a log covers (UTC), language-neutral. */
function dateRange(f: { firstTime?: string; lastTime?: string }): string {
  if (!f.firstTime || !f.lastTime) return "";
  const a = f.firstTime.slice(0, 10);
  const b = f.lastTime.slice(0, 10);
  return a === b ? ` ${a}` : ` ${a} – ${b}`;
}

function logItems(doc: Doc): CoverageItem[] {
  const logs = doc.sections.logs;
  if (!logs) return [];
  const out: CoverageItem[] = [];
  // A format mamori does not know: every line of the file went unread, whatever the line counters say.
  // Bytes but no line (one line too long to read, never ended) is no empty log either.
  const unreadable = logs.files.filter((f) => f.format === "unknown" && (f.lines > 0 || f.bytes > 0));
  for (const f of unreadable)
    out.push({
      area: "logs",
      state: "gap",
      text: msg("coverage.logs.unknownFormat", { path: f.path, lines: f.lines }),
      how: msg("coverage.logs.unknownFormatHow", { path: f.path }),
    });
  const read = logs.files.filter((f) => f.format !== "unknown" && f.lines > 0);
  const access = read.filter((f) => !isError(f.format));
  if (read.length > 0)
    out.push({
      area: "logs",
      state: logs.unreadable.length > 0 ? "partial" : "checked",
      text: msg("coverage.logs.read", {
        count: read.length,
        list: read
          .slice(0, 5)
          .map((f) => `${f.path} (${f.lines})${dateRange(f)}`)
          .join(", "),
        more: read.length > 5 ? ` … (+${read.length - 5})` : "",
      }),
      how:
        logs.unreadable.length > 0
          ? msg("coverage.logs.unopened", { count: logs.unreadable.length })
          : undefined,
    });
  // Read from their last part only: evidence line numbers count from there, which `sed -n` does not know.
  const tails = read.filter((f) => f.lineNumbersRelative);
  if (tails.length > 0)
    out.push({
      area: "logs",
      state: "checked",
      text: msg("coverage.logs.tail", {
        mb: Math.max(1, Math.round((logs.tailBytes ?? 0) / 2 ** 20)),
        ...listed(
          tails.map((f) => f.path),
          3,
        ),
      }),
    });
  if (access.length === 0 && unreadable.length === 0) {
    const sources = (doc.sections.apache?.installations ?? []).flatMap((i) =>
      i.logSources.filter((s) => s.kind === "access"),
    );
    const stream = sources.find((s) => STD_STREAM.test(s.path));
    const piped = sources.find((s) => s.path.startsWith("|") || s.path.startsWith("syslog:"));
    // There, but not to be opened (run without root: Debian's /var/log/apache2 is root:adm 0750).
    const refused = logs.unreadable.filter((u) => u.reason === "EACCES" || u.reason === "EPERM");
    // Named by the access logs the configuration gives (not error logs, not the default places' globs).
    const named = refused.filter((u) => !/[*?[]/.test(u.path) && !errorByName(u.path));
    const denied = named.length > 0 ? named : refused;
    if (denied.length > 0)
      out.push({
        area: "logs",
        state: "gap",
        text: msg(
          "coverage.logs.denied",
          listed(
            denied.map((u) => u.path),
            3,
          ),
        ),
        how: msg("coverage.logs.deniedHow"),
      });
    else if (stream)
      out.push({
        area: "logs",
        state: "gap",
        text: msg("coverage.logs.stdout", { target: stream.path }),
        how: msg("coverage.logs.containerHow"),
      });
    else if (piped)
      out.push({
        area: "logs",
        state: "gap",
        text: msg("coverage.logs.piped", { target: piped.path.slice(0, 120) }),
        how: msg("coverage.logs.noneHow"),
      });
    else {
      // Found but empty (a new server, or rotated just now): "not found" would send the reader looking
      // for files that are there.
      const empty = logs.files.filter((f) => f.lines === 0 && !isError(f.format) && !errorByName(f.path));
      out.push(
        empty.length > 0
          ? {
              area: "logs",
              state: "gap",
              text: msg(
                "coverage.logs.empty",
                listed(
                  empty.map((f) => f.path),
                  5,
                ),
              ),
              how: msg("coverage.logs.emptyHow"),
            }
          : {
              area: "logs",
              state: "gap",
              text: msg("coverage.logs.none"),
              how: msg("coverage.logs.noneHow"),
            },
      );
    }
  }
  return out;
}

/** An error log by its file name (an empty or unopened file has no lines to tell its format by). */
function errorByName(p: string): boolean {
  return /error/i.test(p.slice(p.lastIndexOf("/") + 1));
}

/** The first `shown` paths and how many more, as the messages' {list}{more}. */
function listed(paths: string[], shown: number): { list: string; more: string } {
  return {
    list: paths.slice(0, shown).join(", "),
    more: paths.length > shown ? ` … (+${paths.length - shown})` : "",
  };
}

function processItems(doc: Doc): CoverageItem[] {
  const hunt = doc.sections.hunt;
  if (!hunt) return [];
  if (hunt.processes > 0)
    return [
      {
        area: "processes",
        state: "checked",
        text: msg("coverage.processes.seen", { count: hunt.processes }),
      },
    ];
  if (!doc.host.live)
    return [{ area: "processes", state: "not-live", text: msg("coverage.processes.notLive") }];
  return [
    {
      area: "processes",
      state: "gap",
      text: msg("coverage.processes.none"),
      how: msg("coverage.processes.noneHow"),
    },
  ];
}

/** What this report checked, area by area (only the areas its command ran). */
export function coverageOf(doc: Doc): CoverageItem[] {
  return [...apacheItems(doc), ...logItems(doc), ...processItems(doc), ...probeItems(doc)];
}

/** `mamori probe`: a target that could not be reached was not probed, which is not "no problem found". */
function probeItems(doc: Doc): CoverageItem[] {
  const targets = doc.sections.probe?.targets ?? [];
  const failed = targets.filter((x) => x.error !== undefined);
  if (failed.length === 0) return [];
  return [
    {
      area: "probe",
      state: "gap",
      text: msg("coverage.probe.unreachable", {
        count: failed.length,
        ...listed(
          failed.map((x) => x.url),
          3,
        ),
      }),
      how: msg("coverage.probe.unreachableHow"),
    },
  ];
}

/** The questions this report could not answer: a report with any is never "Safe". */
export function gapsOf(doc: Doc): CoverageItem[] {
  return coverageOf(doc).filter((c) => c.state === "gap");
}
