import assert from "node:assert/strict";
import { test } from "node:test";
import { msg } from "../../src/core/message.ts";
import { correlate } from "../../src/correlate/index.ts";
import { translator } from "../../src/i18n/index.ts";
import { guidance } from "../../src/report/guidance.ts";
import { auditJson, fixtureRoot } from "../helpers/audit.ts";
import { docOf, f } from "./scenario.ts";

const en = translator("en");

test("an Apache built from source gets no package-manager upgrade command", () => {
  const doc = docOf([
    f({
      id: "apache.cve:src",
      check: "apache.cve",
      cves: ["CVE-2021-41773"],
      data: { installation: "/usr/local/apache2/bin/httpd", version: "2.4.49", owner: null },
    }),
  ]);
  doc.host.osId = "debian";
  const commands = guidance(doc, en).flatMap((g) => g.commands);
  assert.ok(!commands.some((c) => c.includes("apt-get")), commands.join("\n"));
  assert.ok(
    commands.some((c) => c.includes("/usr/local/apache2/bin/apachectl")),
    commands.join("\n"),
  );
});

test("a 'not vulnerable' Apache verdict never becomes an incident's entry point", () => {
  const findings = [
    f({
      id: "apache.exposure:ok",
      check: "apache.exposure",
      severity: "info",
      data: { installation: "/usr/sbin/apache2", verdict: "not-vulnerable" },
    }),
    f({
      id: "logs.exploit:x",
      check: "logs.exploit",
      time: "2026-11-20T03:14:07.000Z",
      timeSource: "log",
      data: {
        ip: "203.0.113.5",
        attack: "webshell",
        outcome: "succeeded",
        successTimes: ["2026-11-20T03:14:07.000Z"],
      },
    }),
    f({
      id: "process.miner:x",
      check: "process.miner",
      time: "2026-11-20T03:14:09.000Z",
      timeSource: "proc",
      data: { pid: 4242, exe: "/tmp/kdevtmpfsi", user: "www-data", startTime: "2026-11-20T03:14:09.000Z" },
    }),
  ];
  const incidents = correlate(findings, { now: () => new Date("2026-11-21T00:00:00Z"), lang: "en", t: msg });
  assert.equal(incidents.length, 1, "the exploit and the miner form one incident");
  for (const inc of incidents) {
    assert.ok(!inc.findingIds.includes("apache.exposure:ok"), JSON.stringify(inc));
    assert.ok(!JSON.stringify(inc.entryPoint ?? "").includes("apache.exposure:ok"));
  }
});

test("an incident whose way in is a source-built Apache gets no package-manager upgrade either", async () => {
  const { doc } = await auditJson(fixtureRoot("compromised-2.4.49"));
  assert.equal(doc.incidents[0]?.entryPoint?.installation, "/usr/local/apache2/bin/httpd");
  const g = guidance(doc, en).find((x) => x.kind === "incident");
  assert.ok(g, "an incident guide");
  assert.ok(!g.commands.some((c) => c.includes("apt-get")), g.commands.join("\n"));
  assert.ok(g.commands.includes("/usr/local/apache2/bin/apachectl -v"), g.commands.join("\n"));
});
