import * as fs from "node:fs";
import * as path from "node:path";
import { emitReport, exitCodeOf } from "../cli/emit.ts";
import { EXIT_INCOMPLETE, EXIT_OK, UsageError } from "../cli/errors.ts";
import type { CliIo } from "../cli/io.ts";
import type { CommonOptions } from "../cli/options.ts";
import { readFdLimited } from "../core/read-limited.ts";
import { type MessageKey, translator } from "../i18n/index.ts";
import { gapsOf } from "../report/coverage.ts";
import { escapeTerminal, jsonOutput } from "../report/escape.ts";
import { renderDocument } from "../report/localize.ts";
import { verdictLine, verdictOf } from "../report/verdict.ts";
import { judgeOpenedBundle } from "./audit.ts";
import type { RemoteRaw } from "./cli.ts";
import {
  collectOverSsh,
  parseSshTarget,
  SSH_DEFAULTS,
  SshError,
  type SshTarget,
  targetLabel,
} from "./ssh.ts";

/** A hosts file: one `ssh://[user@]host[:port]` a line, `#` comments; more is a mistake, not a fleet. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_HOSTS = 10_000;
export const DEFAULT_PARALLEL = 4;
const MAX_PARALLEL = 32;

export interface HostsRaw extends RemoteRaw {
  hosts?: string;
  parallel?: string;
  outputDir?: string;
}

export interface HostResult {
  target: string;
  verdict?: string;
  worstSeverity?: string;
  findings?: number;
  incidents?: number;
  /** The host's own exit code, as `mamori audit ssh://HOST` would have returned it. */
  exit: number;
  error?: string;
  report?: string;
  seconds: number;
}

/** Parses a hosts file's text: the targets, or the first bad line as a usage error. */
export function parseHostsFile(text: string, lang: CommonOptions["lang"]): SshTarget[] {
  const t = translator(lang);
  const out: SshTarget[] = [];
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const target = parseSshTarget(line);
    if (!target) throw new UsageError(t("remote.hosts.badLine", { line: i + 1, text: line.slice(0, 200) }));
    out.push(target);
    if (out.length > MAX_HOSTS) throw new UsageError(t("remote.hosts.tooMany", { max: MAX_HOSTS }));
  }
  if (out.length === 0) throw new UsageError(t("remote.hosts.empty"));
  return out;
}

function readHostsFile(file: string, lang: CommonOptions["lang"]): SshTarget[] {
  const t = translator(lang);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw new UsageError(
      t("remote.hosts.unreadable", { file, reason: (err as NodeJS.ErrnoException).code ?? "?" }),
    );
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile())
      throw new UsageError(t("remote.hosts.unreadable", { file, reason: "not a regular file" }));
    const buf = readFdLimited(fd, st.size, MAX_FILE_BYTES);
    if (!buf)
      throw new UsageError(t("remote.hosts.unreadable", { file, reason: `over ${MAX_FILE_BYTES} bytes` }));
    return parseHostsFile(buf.toString("utf8"), lang);
  } finally {
    fs.closeSync(fd);
  }
}

/** A file name for a host's report: its label with everything but safe characters replaced. */
export function reportName(label: string, ext: string): string {
  return `${label
    .replace(/^ssh:\/\//, "")
    .replace(/[^A-Za-z0-9._@-]/g, "_")
    .slice(0, 200)}.${ext}`;
}

const EXT: Record<string, string> = {
  human: "txt",
  json: "json",
  sarif: "sarif",
  markdown: "md",
  html: "html",
};

/**
 * `mamori audit --hosts FILE`: every host of the file audited over SSH, at most `--parallel` at once,
 * a progress line per host on stderr as each ends, then one summary (a table, or JSON with
 * `--format json`) on stdout; `--output-dir DIR` also keeps each host's full report there. The exit code
 * is the fleet's: 1 when any host has findings at or above the threshold, else 3 when any host could not
 * be audited or fully checked, else 0.
 */
export async function auditHosts(raw: HostsRaw, opts: CommonOptions, io: CliIo): Promise<number> {
  const t = translator(opts.lang);
  const file = path.resolve(io.cwd, raw.hosts as string);
  const targets = readHostsFile(file, opts.lang);
  const parallel = raw.parallel === undefined ? DEFAULT_PARALLEL : Number(raw.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL)
    throw new UsageError(t("remote.hosts.badParallel", { max: MAX_PARALLEL }));
  const outDir = raw.outputDir === undefined ? undefined : path.resolve(io.cwd, raw.outputDir);
  if (outDir) fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });

  const results: HostResult[] = new Array(targets.length);
  let next = 0;
  let ended = 0;
  const quietIo: CliIo = { ...io, stdout: { write: () => true }, stderr: { write: () => true } };
  /** One line on stderr as each host ends, counted in the order they end. */
  const progress = (label: string, result: string, seconds: number) => {
    ended++;
    io.stderr.write(
      `${t("remote.hosts.line", {
        n: ended,
        total: targets.length,
        target: escapeTerminal(label),
        result,
        seconds: seconds.toFixed(1),
      })}\n`,
    );
  };
  const one = async (i: number): Promise<void> => {
    const target = targets[i] as SshTarget;
    const label = targetLabel(target);
    const started = Date.now();
    let r: HostResult;
    try {
      const opened = await collectOverSsh(target, {
        sudo: raw.sudo,
        acceptNewHostKey: raw.acceptNewHostKey,
        config: raw.sshConfig === undefined ? undefined : path.resolve(io.cwd, raw.sshConfig),
      });
      try {
        const doc = await judgeOpenedBundle(opened, label, opts, io.env);
        const rendered = renderDocument(doc, t);
        const { verdict } = verdictOf(rendered.findings, opts.threshold, gapsOf(rendered).length);
        const worst = ["critical", "high", "medium", "low", "info"].find((s) =>
          doc.findings.some((f) => f.severity === s),
        );
        let report: string | undefined;
        let exit: number;
        if (outDir) {
          report = path.join(outDir, reportName(label, EXT[opts.format] ?? "txt"));
          exit = emitReport(doc, { ...opts, output: report }, quietIo);
        } else exit = exitCodeOf(doc, opts.threshold, (opts as { findingsExit?: number }).findingsExit);
        r = {
          target: label,
          verdict,
          worstSeverity: worst,
          findings: doc.findings.length,
          incidents: doc.incidents.length,
          exit,
          report,
          seconds: (Date.now() - started) / 1000,
        };
        progress(label, verdictLine(rendered, opts.threshold, t), r.seconds);
      } finally {
        opened.close();
      }
    } catch (err) {
      const error =
        err instanceof SshError
          ? t(`remote.ssh.${err.kind}` as MessageKey, {
              target: label,
              detail: err.detail,
              code: err.code === null ? "-" : String(err.code),
              seconds: SSH_DEFAULTS.totalSeconds,
              max: SSH_DEFAULTS.maxOutputBytes,
            })
          : err instanceof UsageError
            ? err.message
            : String((err as Error).message ?? err);
      r = { target: label, exit: EXIT_INCOMPLETE, error, seconds: (Date.now() - started) / 1000 };
      progress(label, t("remote.hosts.failed", { error: escapeTerminal(error) }), r.seconds);
    }
    results[i] = r;
  };
  const worker = async () => {
    while (next < targets.length) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, targets.length) }, worker));

  // A host's error text is its stderr, an attacker's to write: bidi overrides and line separators escaped.
  if (opts.format === "json") io.stdout.write(jsonOutput({ hosts: results }));
  else io.stdout.write(summaryTable(results, t));
  // Findings anywhere decide (with that host's own code, --exit-code included); then any host not
  // audited or not fully checked; else all clear.
  const withFindings = results.find((r) => !r.error && r.exit !== EXIT_OK && r.exit !== EXIT_INCOMPLETE);
  if (withFindings) return withFindings.exit;
  return results.some((r) => r.exit !== EXIT_OK) ? EXIT_INCOMPLETE : EXIT_OK;
}

function summaryTable(results: HostResult[], t: ReturnType<typeof translator>): string {
  const lines = [t("remote.hosts.summary", { count: results.length })];
  for (const r of results) {
    const what = r.error
      ? t("remote.hosts.failed", { error: escapeTerminal(r.error) })
      : t("remote.hosts.row", {
          verdict: t(`remote.hosts.verdict.${r.verdict}` as MessageKey),
          severity: r.worstSeverity ? t(`severity.${r.worstSeverity}` as MessageKey) : "-",
          findings: r.findings ?? 0,
          incidents: r.incidents ?? 0,
        });
    lines.push(`  ${escapeTerminal(r.target)}  ${what}${r.report ? `  -> ${escapeTerminal(r.report)}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
