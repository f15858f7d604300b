/**
 * The client and the other fields of a log line are the attacker's text. A client named after an
 * object's own properties must not hide another client's break-in; a megabyte field must not be kept
 * whole (a forged log of such lines once kept gigabytes); a suggested firewall rule takes only a single
 * public address; an attacker with many addresses must not switch off what the report tells of what
 * they did next. Each through the real command line, on files written here.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { readLogs } from "../../src/audit/logs.ts";
import { buildPrefilter, scanRegion } from "../../src/collect/logs/engine/prefilter.ts";
import { MAX_FIELD_CHARS } from "../../src/collect/logs/keep.ts";
import { linesOfClients } from "../../src/collect/logs/scan.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import type { ReportDocument } from "../../src/core/document.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { accessLine, logTime } from "../helpers/access-line.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const rules = loadRules();
const at = logTime;
const line = (
  ip: string,
  sec: number,
  method: string,
  target: string,
  status: number,
  size: number | string,
) => accessLine(ip, sec, method, target, status, size, "curl/8.5.0");
const RCE = "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh";
const READ = "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd";

async function report(file: string): Promise<ReportDocument> {
  const r = await mamori(["logs", file, "--format", "json"]);
  assert.equal(r.stderr.includes("    at "), false, r.stderr);
  return JSON.parse(r.stdout) as ReportDocument;
}

test("clients named toString, constructor or __proto__ hide no other client's break-in", async (t) => {
  const dir = tempDir(t);
  for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "(others)"]) {
    const f = join(dir, `${name}.log`);
    const lines = [
      line("198.51.100.7", 0, "POST", RCE, 200, 1200),
      line(name, 1, "GET", READ, 200, 1294),
      line(name, 2, "GET", "/index.html", 200, 300),
      line("198.51.100.7", 3, "GET", "/index.html", 200, 300),
    ];
    // The same client name guessing a WordPress password and getting in: its own finding.
    for (let i = 0; i < 30; i++) lines.push(line(name, 10 + i, "POST", "/wp-login.php", 200, 4514));
    lines.push(line(name, 50, "POST", "/wp-login.php", 302, "-"));
    lines.push(line(name, 52, "GET", "/wp-admin/", 200, 52000));
    writeFileSync(f, `${lines.join("\n")}\n`);
    const doc = await report(f);
    assert.deepEqual(doc.notChecked, [], name);
    const exploit = doc.findings.find((x) => x.check === "logs.exploit" && x.data?.ip === "198.51.100.7");
    assert.equal(exploit?.data?.outcome, "succeeded", name);
    assert.ok(
      // A client named as the engine names the clients it counts together stays one of its own, quoted.
      doc.findings.some(
        (x) => x.check === "logs.login" && x.data?.ip === (name === "(others)" ? "'(others)'" : name),
      ),
      `${name}: ${doc.findings.map((x) => x.check).join(",")}`,
    );
    const attacker = doc.sections.logs?.attackers?.find((a) => a.ip === "198.51.100.7");
    assert.ok(
      attacker?.next.some((r) => r.request.includes("/index.html")),
      name,
    );
  }
});

test("megabyte fields are kept cut, plain and gzip alike; the line is still found and judged", async (t) => {
  const dir = tempDir(t);
  const pad = (i: number) => `${String(i).padStart(6, "0")}${"abcdefghij".repeat(100_000)}`;
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    lines.push(line(`198.51.100.${i}`, i, "GET", `${READ}?${pad(i)}`, 404, 196));
    // No rule reads it: a baseline sample, whose target alone is kept, cut.
    lines.push(line(`203.0.113.${i}`, i, "GET", `/page.html?${pad(i)}`, 200, 300));
  }
  // A client field of 300,000 characters (the format reads any run of non-spaces).
  lines.push(line(`${"9".repeat(300_000)}`, 30, "GET", READ, 404, 196));
  const plain = join(dir, "long.log");
  writeFileSync(plain, `${lines.join("\n")}\n`);
  writeFileSync(`${plain}.gz`, gzipSync(`${lines.join("\n")}\n`));
  for (const f of [plain, `${plain}.gz`]) {
    const facts = await readLogs(new RootFs("/"), [{ path: f, display: f }], { rules, parallel: false });
    const [scan] = facts.scans;
    assert.ok(scan);
    const entries = [...scan.matches.map((m) => m.entry), ...(scan.tallies ?? []).map((t) => t.entry)];
    assert.equal(scan.matches.length + (scan.tallies ?? []).reduce((n, t) => n + t.count, 0), 21, f);
    for (const e of entries) {
      assert.ok(e.request.length <= MAX_FIELD_CHARS + 1, `${f}: request ${e.request.length}`);
      assert.ok((e.uri ?? "").length <= MAX_FIELD_CHARS + 1, `${f}: uri ${e.uri?.length}`);
      assert.ok((e.ip ?? "").length <= 255, `${f}: client ${e.ip?.length}`);
    }
    assert.ok(scan.samples.length > 0);
    for (const s of scan.samples) assert.ok((s.uri ?? "").length <= 2048, `${f}: sample ${s.uri?.length}`);
    const doc = await report(f);
    const shown = doc.findings.flatMap((x) => x.evidence.map((e) => String(e.value ?? "")));
    assert.ok(shown.length > 0);
    for (const v of shown) assert.ok(v.length <= 8193, `${f}: evidence ${v.length}`);
    assert.ok(doc.findings.some((x) => x.data?.ip === "198.51.100.0"));
  }
});

test("more than 50 clients that got in: the earliest 50 are followed, not none", async (t) => {
  const dir = tempDir(t);
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) lines.push(line(`198.51.100.${i}`, i, "POST", RCE, 200, 1200));
  for (let i = 0; i < 60; i++)
    lines.push(line(`198.51.100.${i}`, 100 + i, "GET", `/after-${i}.html`, 200, 300));
  const f = join(dir, "many.log");
  writeFileSync(f, `${lines.join("\n")}\n`);
  const facts = await readLogs(new RootFs("/"), [{ path: f, display: f }], { rules, parallel: false });
  assert.equal(Object.keys(facts.next).length, 50);
  assert.equal(facts.next["198.51.100.0"]?.[0]?.request, "GET /after-0.html HTTP/1.1");
  assert.equal(facts.next["198.51.100.59"], undefined);
});

test("the second pass picks a client's lines by their first field, counting lines as the literal look does", () => {
  const text = [
    line("198.51.100.7", 0, "GET", "/a", 200, 1),
    line("198.51.100.70", 1, "GET", "/b", 200, 1),
    `203.0.113.1 - - [${at(2)}] "GET /c HTTP/1.1" 200 1 "http://198.51.100.7/" "x"`,
    line("198.51.100.7", 3, "GET", "/d", 200, 1),
  ].join("\n");
  const clients = new Set(["198.51.100.7"]);
  for (const tail of ["", "\n"]) {
    const buf = Buffer.from(text + tail);
    const found = linesOfClients(buf, 0, buf.length, clients);
    assert.deepEqual(found.lines, [0, 3]);
    assert.deepEqual(
      found.starts.map((s) => buf.toString("utf8", s, s + 14)),
      ["198.51.100.7 -", "198.51.100.7 -"],
    );
    const literal = scanRegion(buf, 0, buf.length, buildPrefilter(["198.51.100.7"]));
    assert.equal(found.newlines, literal.newlines, JSON.stringify(tail));
  }
});

test("the second pass finds a client whose logged field was not UTF-8, or that is kept as '(others)'", () => {
  const buf = Buffer.concat([
    Buffer.from([0xff, 0xfe, 0x31]),
    Buffer.from(` - - [${at(0)}] "GET /a HTTP/1.1" 200 1 "-" "x"\n`),
    Buffer.from(`${line("(others)", 1, "GET", "/b", 200, 1)}\n`),
    Buffer.from(`${line("198.51.100.7", 2, "GET", "/c", 200, 1)}\n`),
  ]);
  const odd = buf.toString("utf8", 0, 3);
  assert.ok(odd.includes("\ufffd"));
  assert.deepEqual(linesOfClients(buf, 0, buf.length, new Set([odd])).lines, [0]);
  assert.deepEqual(linesOfClients(buf, 0, buf.length, new Set(["'(others)'"])).lines, [1]);
  assert.deepEqual(linesOfClients(buf, 0, buf.length, new Set(["198.51.100.7", "10.0.0.1"])).lines, [2]);
});
