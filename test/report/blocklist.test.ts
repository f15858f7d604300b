import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { Finding } from "../../src/core/finding.ts";
import { canonicalIp, renderBlocklist } from "../../src/report/formats/blocklist.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { docOf } from "./scenario.ts";

const LOG = path.resolve("test/fixtures/roots/compromised-2.4.49/usr/local/apache2/logs/access_log");

test("addresses are taken only in one strict canonical form", () => {
  const ok: Array<[string, string]> = [
    ["203.0.113.5", "203.0.113.5"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["2001:DB8:0:0::1", "2001:db8::1"],
  ];
  for (const [raw, want] of ok) assert.equal(canonicalIp(raw)?.ip, want, raw);
  for (const bad of [
    "010.0.0.1",
    "1.2.3.4 ",
    "1.2.3.4\n5.6.7.8",
    "1.2.3.4,ip,ban,8.8.8.8",
    "1.2.3.4/24",
    "1.2.3.4:80",
    "0x7f.0.0.1",
    "256.1.1.1",
    "fe80::1%eth0",
    "example.com",
    "",
  ])
    assert.equal(canonicalIp(bad), undefined, JSON.stringify(bad));
});

function exploit(ip: string, outcome: string, severity: Finding["severity"] = "critical"): Finding {
  return {
    id: `logs.exploit:${ip}`,
    check: "logs.exploit",
    severity,
    confidence: "confirmed",
    title: "x",
    detail: "",
    cves: [],
    evidence: [{ ip }],
    remediation: "",
    data: { ip, attack: "cve-2021-41773,evil\nrow", outcome },
  };
}

test("plain and CrowdSec lists: private and loopback only when asked, never junk, one row per address", () => {
  const doc = docOf(
    [
      exploit("203.0.113.5", "succeeded"),
      exploit("::ffff:203.0.113.5", "failed"),
      exploit("198.51.100.20", "failed"),
      exploit("10.0.0.9", "succeeded"),
      exploit("127.0.0.1", "failed"),
      exploit("224.0.0.1", "failed"),
      exploit("1.2.3.4\n5.6.7.8", "failed"),
      exploit("2001:db8::7", "failed"),
      exploit("192.0.2.99", "failed", "low"),
    ],
    { incidents: [] },
  );
  const plain = renderBlocklist(doc, { format: "plain", threshold: "medium" });
  assert.equal(plain.text, "198.51.100.20\n203.0.113.5\n2001:db8::7\n");
  assert.equal(plain.leftPrivate, 2);
  assert.equal(plain.invalid, 2);
  const all = renderBlocklist(doc, { format: "plain", threshold: "low", includePrivate: true });
  assert.equal(all.text, "10.0.0.9\n127.0.0.1\n192.0.2.99\n198.51.100.20\n203.0.113.5\n2001:db8::7\n");
  const cs = renderBlocklist(doc, { format: "crowdsec", threshold: "medium", duration: "4h" });
  const lines = cs.text.trimEnd().split("\n");
  assert.equal(lines[0], "duration,reason,scope,type,value");
  assert.equal(lines.length, 4);
  for (const l of lines.slice(1)) {
    const cols = l.split(",");
    assert.equal(cols.length, 5, l);
    assert.equal(cols[0], "4h");
    assert.match(cols[1] ?? "", /^mamori:cve-2021-41773_evil_row:(succeeded|failed)$/);
    assert.deepEqual(cols.slice(2, 4), ["ip", "ban"]);
  }
  assert.equal(lines[1]?.split(",")[4], "198.51.100.20");
});

test("mamori logs --blocklist and mamori report --blocklist write the attackers of a real log", async (t) => {
  const dir = tempDir(t);
  // The fixture's log plus the same exploit from inside the network and from the host itself.
  const lines = fs.readFileSync(LOG, "utf8").split("\n").filter(Boolean);
  const exploitLine = lines.find((l) => l.startsWith("45.146.164.110 "));
  assert.ok(exploitLine);
  const log = path.join(dir, "access_log");
  fs.writeFileSync(
    log,
    [
      ...lines,
      exploitLine.replace("45.146.164.110", "10.1.2.3"),
      exploitLine.replace("45.146.164.110", "127.0.0.1"),
    ]
      .map((l) => `${l}\n`)
      .join(""),
  );
  const plain = await mamori(["logs", log, "--blocklist", "plain"]);
  assert.equal(plain.code, 1, plain.stderr);
  assert.equal(plain.stdout, "45.146.164.110\n192.0.2.44\n203.0.113.5\n");
  assert.match(plain.stderr, /2 addresses left out as private, loopback or link-local/);
  const withPrivate = await mamori(["logs", log, "--blocklist", "plain", "--blocklist-private"]);
  assert.equal(withPrivate.stdout, "10.1.2.3\n45.146.164.110\n127.0.0.1\n192.0.2.44\n203.0.113.5\n");

  const json = path.join(dir, "r.json");
  await mamori(["logs", log, "--format", "json", "--output", json]);
  const out = path.join(dir, "decisions.csv");
  const cs = await mamori([
    "report",
    json,
    "--blocklist",
    "crowdsec",
    "--blocklist-duration",
    "2d",
    "--output",
    out,
  ]);
  assert.equal(cs.stdout, "");
  const csv = fs.readFileSync(out, "utf8").trimEnd().split("\n");
  assert.equal(csv[0], "duration,reason,scope,type,value");
  assert.deepEqual(
    csv.slice(1).map((l) => [l.split(",")[0], l.split(",")[4]]),
    [
      ["48h", "45.146.164.110"],
      ["48h", "192.0.2.44"],
      ["48h", "203.0.113.5"],
    ],
  );
  const bad = await mamori(["logs", log, "--blocklist", "iptables"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid value for --blocklist: iptables \(expected plain\|crowdsec\)/);
});
