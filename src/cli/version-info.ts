/**
 * `mamori --version`: the tool's version, then the date and source of each data set it judges with
 * (vulnerability data per source, IOC lists, rules), so a report can be traced to the data behind it.
 * Data files may come from a --data-dir another user wrote: every string read is escaped for the terminal.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { toolVersion } from "../core/version.ts";
import type { Translator } from "../i18n/index.ts";
import { escapeTerminal } from "../report/escape.ts";

const day = (s: unknown): string => (typeof s === "string" ? escapeTerminal(s.slice(0, 10)) : "?");
const text = (s: unknown): string => (typeof s === "string" ? escapeTerminal(s) : "?");

interface SourceMeta {
  name?: unknown;
  feed?: unknown;
  fetchedAt?: unknown;
  records?: unknown;
}

function vulnLines(dataDir: string, t: Translator): string[] {
  const file = path.join(dataDir, "vulndb.json");
  try {
    const meta = (
      JSON.parse(fs.readFileSync(file, "utf8")) as { meta?: { builtAt?: unknown; sources?: unknown } }
    ).meta;
    const sources = Array.isArray(meta?.sources) ? (meta.sources as SourceMeta[]) : [];
    return [
      t("version.vulndb", { file: escapeTerminal(file), date: day(meta?.builtAt) }),
      ...sources.map(
        (s) =>
          `  ${day(s.fetchedAt)}  ${typeof s.feed === "string" ? `[${text(s.feed)}] ` : ""}${text(s.name)}` +
          (typeof s.records === "number" ? ` (${s.records})` : ""),
      ),
    ];
  } catch {
    return [t("version.missing", { what: "vulndb.json", path: escapeTerminal(file) })];
  }
}

function iocLines(dataDir: string, t: Translator): string[] {
  const dir = path.join(dataDir, "iocs");
  const lines = [t("version.iocs", { dir: escapeTerminal(dir) })];
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .sort();
  } catch {
    return [t("version.missing", { what: "iocs", path: escapeTerminal(dir) })];
  }
  for (const n of names) {
    try {
      const doc = JSON.parse(fs.readFileSync(path.join(dir, n), "utf8")) as {
        lists?: Array<{ source?: unknown; updated?: unknown }>;
      };
      // Lists from one source repository and date are one line: maltrail alone has dozens.
      const bySource = new Map<string, number>();
      for (const l of doc.lists ?? []) {
        const repo = text(l.source).split(" ")[0] ?? "?";
        const key = `${day(l.updated)}  ${repo}`;
        bySource.set(key, (bySource.get(key) ?? 0) + 1);
      }
      for (const [key, count] of bySource) lines.push(`  ${key} (${escapeTerminal(n)}: ${count})`);
    } catch {
      lines.push(`  ${t("version.missing", { what: escapeTerminal(n), path: escapeTerminal(dir) })}`);
    }
  }
  return lines;
}

function ruleLines(rulesDir: string, t: Translator): string[] {
  let count = 0;
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".yaml")) {
        count++;
        newest = Math.max(newest, fs.statSync(p).mtimeMs);
      }
    }
  };
  try {
    walk(rulesDir);
  } catch {
    return [t("version.missing", { what: "rules", path: escapeTerminal(rulesDir) })];
  }
  return [
    t("version.rules", {
      dir: escapeTerminal(rulesDir),
      count: String(count),
      date: new Date(newest).toISOString().slice(0, 10),
    }),
  ];
}

/** The --version text: `dataDir` is where the run would read data from, `rulesDir` the shipped rules. */
export function versionText(dataDir: string, rulesDir: string, t: Translator): string {
  return [
    `mamori ${toolVersion()}`,
    ...vulnLines(dataDir, t),
    ...iocLines(dataDir, t),
    ...ruleLines(rulesDir, t),
  ].join("\n");
}
