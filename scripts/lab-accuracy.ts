/**
 * Outcome accuracy on the apache-lab corpus (../shared/corpus/apache-lab): each server's access_log and
 * error_log go through `mamori logs --format json` (in-process, the same pipeline as the CLI and audit),
 * and every reported outcome is compared with truth.jsonl / error_truth.jsonl.
 *
 *   node scripts/lab-accuracy.ts [LAB_DIR] [--wrong] [--audit]
 *
 * --audit: judged as the audit judges them on a host like the lab's (labServerAsAudit).
 *
 * Prints, per server and truth label: lines, how many were reported, exact outcomes, successes found,
 * false successes, and error-log lines that became events of their own.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../src/cli/app.ts";

export const LAB_DIR = new URL("../../shared/corpus/apache-lab/", import.meta.url).pathname;
export const LAB_SERVERS = ["h249", "h250", "deb", "h249-fallback", "deb-fallback", "deb-app"];

export type Truth = "succeeded" | "blocked" | "failed";

export interface LineResult {
  line: number;
  label: string;
  truth: Truth | null;
  /** mamori's outcome, or undefined when no event was reported for the line. */
  got?: string;
  attack?: string;
  request?: string;
  status?: number;
  size?: number;
  why?: string;
}

export interface ServerResult {
  server: string;
  lines: LineResult[];
  /** Events mamori reported for error_log lines (each one is an attack counted twice). */
  errorEvents: Array<{ line: number; attack: string; outcome: string; relatesTo?: number }>;
}

interface JsonEvent {
  file: string;
  line: number;
  attack: string;
  outcome: string;
  request: string;
  status?: number;
  size?: number;
  why?: string;
}

/** Runs mamori's log pipeline on one server's logs and lines its events up with the truth. */
export async function labServer(dir: string, server: string): Promise<ServerResult> {
  const access = join(dir, server, "access_log");
  const error = join(dir, server, "error_log");
  let stdout = "";
  let stderr = "";
  await runCli(["logs", "--format", "json", access, error], {
    env: { LANG: "en_US.UTF-8" },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: process.cwd(),
  });
  if (!stdout) throw new Error(`mamori logs gave no report for ${server}: ${stderr}`);
  return resultOf(dir, server, JSON.parse(stdout), access);
}

/** A live host's processes as the hunting area records them (a fixture root has none). */
export function liveProcess(pid: number, comm: string, exe: string) {
  return {
    pid,
    ppid: 1,
    comm,
    state: "S",
    argv: [exe],
    exe,
    exeDeleted: false,
    uid: 0,
    startTicks: 100,
    cpuTicks: 10,
    isKernelThread: false,
    remotes: [],
  };
}

/**
 * The same logs judged as `mamori audit` judges them on a host like the lab's (its README: Debian, PHP
 * and Java not installed): `mamori collect` on a copy of the Debian fixture root holding the server's
 * logs, the process list of a live host written in (a fixture root has none: systemd, sshd, apache2),
 * then `mamori check`. What the audit adds is the host's facts: no JVM, no PHP (src/checks/logs/runtimes.ts).
 */
export async function labServerAsAudit(dir: string, server: string): Promise<ServerResult> {
  const root = mkdtempSync(join(tmpdir(), "mamori-lab-"));
  try {
    cpSync(FIXTURE, root, { recursive: true, verbatimSymlinks: true });
    // Debian's apache2 ran with the lab's own configuration (tools/conf/SERVER.conf): it goes in as
    // apache2.conf, and the logs where it writes them. The source builds keep the fixture's Debian one.
    const conf = join(dir, "tools/conf", `${server}.conf`);
    const own = server.startsWith("deb") && existsSync(conf);
    const logDir = own ? `/srv/lab/devlab/srv/${server}/logs` : "/var/log/apache2";
    const [accessLog, errorLog] = own
      ? [`${logDir}/access_log`, `${logDir}/error_log`]
      : [`${logDir}/access.log`, `${logDir}/error.log`];
    if (own) copyFileSync(conf, join(root, "etc/apache2/apache2.conf"));
    mkdirSync(join(root, logDir), { recursive: true });
    copyFileSync(join(dir, server, "access_log"), join(root, accessLog));
    copyFileSync(join(dir, server, "error_log"), join(root, errorLog));
    const facts = join(root, "facts.json");
    const out = { stdout: "", stderr: "" };
    const io = {
      env: { LANG: "en_US.UTF-8" },
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
      cwd: process.cwd(),
    };
    await runCli(["collect", "--root", root, "--output", facts], io);
    const bundle = JSON.parse(readFileSync(facts, "utf8"));
    bundle.areas.hunt.live = true;
    bundle.areas.hunt.processes = [
      liveProcess(1, "systemd", "/usr/lib/systemd/systemd"),
      liveProcess(420, "sshd", "/usr/sbin/sshd"),
      liveProcess(500, "apache2", "/usr/sbin/apache2"),
    ];
    writeFileSync(facts, JSON.stringify(bundle));
    out.stdout = "";
    await runCli(["check", facts, "--format", "json"], io);
    if (!out.stdout) throw new Error(`mamori check gave no report for ${server}: ${out.stderr}`);
    return resultOf(dir, server, JSON.parse(out.stdout), accessLog);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const FIXTURE = new URL("../test/fixtures/roots/debian12/", import.meta.url).pathname;

function resultOf(
  dir: string,
  server: string,
  doc: { sections: { logs: { events: JsonEvent[]; eventsTruncated?: boolean } } },
  access: string,
): ServerResult {
  const events = doc.sections.logs.events;
  if (doc.sections.logs.eventsTruncated) throw new Error(`${server}: events truncated`);
  const byLine = new Map<number, JsonEvent>();
  const errorEvents: ServerResult["errorEvents"] = [];
  const errTruth = new Map<number, number>();
  for (const l of readFileSync(join(dir, server, "error_truth.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)) {
    const r = JSON.parse(l) as { line: number; relates_to_access_line: number };
    errTruth.set(r.line, r.relates_to_access_line);
  }
  for (const e of events) {
    if (e.file === access) byLine.set(e.line, e);
    else
      errorEvents.push({
        line: e.line,
        attack: e.attack,
        outcome: e.outcome,
        relatesTo: errTruth.get(e.line),
      });
  }
  const lines: LineResult[] = [];
  for (const l of readFileSync(join(dir, server, "truth.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)) {
    const r = JSON.parse(l) as { line: number; label: string; outcome: Truth | null };
    const e = byLine.get(r.line);
    lines.push({
      line: r.line,
      label: r.label,
      truth: r.outcome,
      got: e?.outcome,
      attack: e?.attack,
      request: e?.request,
      status: e?.status,
      size: e?.size,
      why: e?.why,
    });
  }
  return { server, lines, errorEvents };
}

export interface Row {
  server: string;
  label: string;
  lines: number;
  reported: number;
  exact: number;
  /** Lines that truly succeeded / of those, reported `succeeded`. */
  truthSucceeded: number;
  foundSucceeded: number;
  /** Lines that did not work but were reported `succeeded`. */
  falseSucceeded: number;
}

export function rowsOf(r: ServerResult): Row[] {
  const by = new Map<string, Row>();
  for (const l of r.lines) {
    const row = by.get(l.label) ?? {
      server: r.server,
      label: l.label,
      lines: 0,
      reported: 0,
      exact: 0,
      truthSucceeded: 0,
      foundSucceeded: 0,
      falseSucceeded: 0,
    };
    by.set(l.label, row);
    row.lines++;
    if (l.got) row.reported++;
    if (l.truth === null) {
      if (!l.got) row.exact++;
      continue;
    }
    if (l.got === l.truth) row.exact++;
    if (l.truth === "succeeded") {
      row.truthSucceeded++;
      if (l.got === "succeeded") row.foundSucceeded++;
    } else if (l.got === "succeeded") row.falseSucceeded++;
  }
  return [...by.values()].sort((a, b) => a.label.localeCompare(b.label));
}

export function table(results: ServerResult[]): string {
  const out: string[] = [];
  const head = ["server", "label", "lines", "reported", "exact", "succeeded found", "false succeeded"];
  out.push(`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`);
  const tot = { lines: 0, attack: 0, exact: 0, ts: 0, fs: 0, false: 0, errEv: 0 };
  for (const r of results) {
    for (const row of rowsOf(r)) {
      out.push(
        `| ${row.server} | ${row.label} | ${row.lines} | ${row.reported} | ${row.exact} | ${row.foundSucceeded}/${row.truthSucceeded} | ${row.falseSucceeded} |`,
      );
      if (row.label !== "benign") {
        tot.attack += row.lines;
        tot.exact += row.exact;
      }
      tot.ts += row.truthSucceeded;
      tot.fs += row.foundSucceeded;
      tot.false += row.falseSucceeded;
    }
    tot.errEv += r.errorEvents.length;
  }
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : "-");
  out.push(
    "",
    `attack lines with the exact outcome: ${tot.exact}/${tot.attack} (${pct(tot.exact, tot.attack)})`,
    `exploited lines called succeeded: ${tot.fs}/${tot.ts} (${pct(tot.fs, tot.ts)})`,
    `lines that did not work called succeeded: ${tot.false}`,
    `error-log lines reported as events of their own: ${tot.errEv}`,
  );
  return out.join("\n");
}

if (import.meta.main) {
  const dir = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? LAB_DIR;
  if (!existsSync(dir)) {
    process.stderr.write(`lab-accuracy: ${dir} not found\n`);
    process.exit(2);
  }
  const results: ServerResult[] = [];
  const audit = process.argv.includes("--audit");
  for (const s of LAB_SERVERS) results.push(await (audit ? labServerAsAudit(dir, s) : labServer(dir, s)));
  process.stdout.write(`${table(results)}\n`);
  if (process.argv.includes("--wrong"))
    for (const r of results)
      for (const l of r.lines)
        if (l.truth !== null && l.got !== l.truth)
          process.stdout.write(
            `${r.server}:${l.line} ${l.label} truth=${l.truth} got=${l.got ?? "-"} (${l.why ?? ""}) ${l.status ?? ""} ${l.size ?? ""} ${l.request ?? ""}\n`,
          );
}
