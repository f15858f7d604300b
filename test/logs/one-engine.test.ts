import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { scanContext } from "../../src/audit/context.ts";
import { readLogs } from "../../src/audit/logs.ts";
import { ChunkedScan } from "../../src/collect/logs/chunks.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import type { Finding } from "../../src/core/finding.ts";
import { loadRules } from "../../src/rules/logs.ts";
import type { CursorRecord } from "../../src/store/state.ts";
import { logReader } from "../../src/watch/scan.ts";
import { fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { rendered } from "../helpers/messages.ts";
import { tempDir } from "../helpers/tmp.ts";

const LOG = "/srv/site/logs/access.log";
/** The site answers every path with its 5120-byte page (a single-page application): a catch-all. */
const PAGE = 5120;

const at = (n: number) => {
  const s = n % 86_400;
  const hh = String(Math.floor(s / 3600)).padStart(2, "0");
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
  return `12/Mar/2024:${hh}:${mm}:${String(s % 60).padStart(2, "0")} +0000`;
};
const line = (ip: string, n: number, req: string, status: number, size: number) =>
  `${ip} - - [${at(n)}] "${req} HTTP/1.1" ${status} ${size} "-" "Mozilla/5.0"\n`;
const benign = (from: number, count: number) => {
  let s = "";
  for (let i = from; i < from + count; i++)
    s += line(`192.0.2.${i % 250}`, i, `GET /app/view/${i}`, 200, PAGE);
  return s;
};

/**
 * Three parts of one log, cut at line ends. Benign traffic (tens of thousands of lines, every path
 * answered 200 with the same page) is what tells the last part's "200 PAGE" traversal apart from a leak:
 * judged with the whole file's baseline it is "failed" (the catch-all page answered, not the file), judged with the last part alone it
 * would read as a success.
 */
function parts(): [string, string, string] {
  let n = 30_000;
  const one =
    benign(0, n) +
    line("203.0.113.5", n, "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh", 200, 7) +
    line("203.0.113.9", ++n, "GET /.env", 404, 196) +
    benign(++n, 2000);
  n += 2000;
  const two =
    line("203.0.113.7", ++n, "GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd", 403, 199) + benign(++n, 3000);
  n += 3000;
  const three =
    line("198.51.100.7", ++n, "GET /icons/.%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 200, PAGE) +
    line("198.51.100.8", ++n, "GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/shadow", 200, 1500) +
    benign(++n, 3);
  return [one, two, three];
}

interface Judged {
  id: string;
  who: string;
  outcome: unknown;
  severity: string;
  requests: unknown;
  evidence: Array<{ path?: string; line?: number; label?: unknown }>;
}

const judged = (findings: Finding[]): Judged[] =>
  findings
    .filter((f) => f.check === "logs.exploit" && f.evidence.some((e) => e.path === LOG))
    .map((f) => ({
      id: f.id,
      who: `${f.data?.ip}:${f.data?.attack}`,
      outcome: f.data?.outcome,
      severity: f.severity,
      requests: f.data?.requests,
      evidence: f.evidence.map((e) => ({ path: e.path, line: e.line, label: e.label })),
    }))
    .sort((a, b) => a.who.localeCompare(b.who));

test("logs FILE, audit (through the Apache configuration) and watch (three appended chunks) judge the same lines the same", async (t) => {
  const root = tempDir(t);
  fs.cpSync(fixtureRoot("upstream-2.4.49"), root, { recursive: true, verbatimSymlinks: true });
  fs.appendFileSync(path.join(root, "usr/local/apache2/conf/httpd.conf"), `\nCustomLog "${LOG}" combined\n`);
  const file = path.join(root, LOG);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const [one, two, three] = parts();
  const now = "2026-01-01T00:00:00Z";

  // watch: the log grows by three chunks, each read from the cursor the previous read left.
  const ctx = scanContext({ root, now: () => new Date(now), lang: "en", dataDir: root }, {});
  const state = new ChunkedScan();
  const read = logReader(ctx, [{ path: LOG, kind: "access" }], undefined, state);
  let cursors = new Map<string, CursorRecord>();
  const watched: Finding[] = [];
  for (const chunk of [one, two, three]) {
    fs.appendFileSync(file, chunk);
    const r = await read(cursors);
    cursors = new Map(r.cursors.map((c) => [c.path, c]));
    watched.push(...(r.findings ?? []));
  }
  assert.equal(fs.statSync(file).size, Buffer.byteLength(one + two + three));

  const logs = await mamori(["logs", "--root", root, "--format", "json", "--now", now, LOG]);
  assert.equal(logs.code, 1, logs.stderr);
  const audit = await mamori(["audit", "--root", root, "--format", "json", "--now", now]);
  assert.equal(audit.code, 1, audit.stderr);
  const logsDoc = JSON.parse(logs.stdout);
  const auditDoc = JSON.parse(audit.stdout);
  assert.equal(
    auditDoc.sections.logs.files.find((f: { path: string }) => f.path === LOG)?.formatSource,
    "config",
    "the audit read the log through the configuration",
  );

  const fromLogs = judged(logsDoc.findings);
  assert.deepEqual(
    fromLogs.map((f) => [f.who, f.outcome]),
    [
      ["198.51.100.7:cve-2021-41773", "failed"],
      ["198.51.100.8:cve-2021-41773", "succeeded"],
      ["203.0.113.5:cve-2021-41773", "succeeded"],
      ["203.0.113.7:cve-2021-41773", "blocked"],
      ["203.0.113.9:recon-secrets", "failed"],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    JSON.stringify(fromLogs),
  );
  assert.deepEqual(judged(auditDoc.findings), fromLogs, "audit judges the log as logs does");
  assert.deepEqual(
    judged(rendered(watched) as unknown as Finding[]),
    fromLogs,
    "watch, chunk by chunk, judges it as logs does",
  );

  // The events themselves (the JSON lists them): the same lines with the same outcomes and reasons.
  const events = (doc: { sections: { logs: { events: Array<Record<string, unknown>> } } }) =>
    doc.sections.logs.events.filter((e) => e.file === LOG);
  assert.deepEqual(events(auditDoc), events(logsDoc));

  // The baseline mattered: the last chunk judged alone reads the catch-all page as a leaked file.
  fs.writeFileSync(file, three);
  const alone = await readLogs(new RootFs(root), [{ path: LOG, display: LOG }], { rules: loadRules() });
  assert.equal(alone.events.find((e) => e.ip === "198.51.100.7")?.outcome, "succeeded");
});

test("one sampling rule: whole, two threads, the end only and appended chunks keep the same baseline samples", async (t) => {
  const dir = tempDir(t);
  const f = path.join(dir, "access.log");
  const [one, two, three] = parts();
  const text = one + two + three;
  fs.writeFileSync(f, text);
  const rules = loadRules();
  const inputs = [{ path: f, display: f }];
  const rfs = new RootFs("/");
  const whole = await readLogs(rfs, inputs, { rules, parallel: false });
  const threads = await readLogs(rfs, inputs, { rules, parallelMinBytes: 1, segmentBytes: 100_000 });
  const sample = (s: { samples: Array<{ uri?: string; size?: number }> } | undefined) =>
    s?.samples.map((e) => `${e.uri} ${e.size}`);
  assert.ok((whole.scans[0]?.samples.length ?? 0) > 20);
  assert.deepEqual(sample(threads.scans[0]), sample(whole.scans[0]));
  assert.deepEqual(threads.events, whole.events);

  // Cut anywhere at a line end, fed in order: the same samples, matches and line numbers.
  const engine = new ChunkedScan();
  const buf = Buffer.from(text);
  let from = 0;
  for (const cut of [77_777, 1_000_003, 2_500_000, buf.length]) {
    const end = cut >= buf.length ? buf.length : buf.indexOf(10, cut) + 1;
    await engine.add(rules, f, buf.subarray(from, end), from);
    from = end;
  }
  const chunked = engine.files()[0];
  assert.deepEqual(sample(chunked), sample(whole.scans[0]));
  assert.deepEqual(
    chunked?.matches.map((m) => [m.entry.line, m.ruleId]),
    whole.scans[0]?.matches.map((m) => [m.entry.line, m.ruleId]),
  );

  // Reading only the end: the samples are those of the whole read that lie in that end.
  const tail = await readLogs(rfs, inputs, { rules, parallel: false, tailBytes: 1_000_000 });
  const tailSamples = sample(tail.scans[0]) ?? [];
  const wholeSamples = sample(whole.scans[0]) ?? [];
  assert.ok(tailSamples.length > 5);
  assert.deepEqual(tailSamples, wholeSamples.slice(wholeSamples.length - tailSamples.length));
});
