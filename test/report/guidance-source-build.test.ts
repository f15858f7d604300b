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

test("a source build's incident and configuration guides use its own apachectl, never apt or apache2ctl", async () => {
  const { doc } = await auditJson(fixtureRoot("compromised-2.4.49"));
  const guides = guidance(doc, en);
  const incident = guides.find((g) => g.kind === "incident");
  const config = guides.find((g) => g.kind === "apache.config");
  assert.ok(incident && config, guides.map((g) => g.kind).join(" "));
  for (const g of [incident, config]) {
    assert.ok(
      !g.commands.some((c) => /apt-get|apache2ctl|systemctl reload apache2/.test(c)),
      g.commands.join("\n"),
    );
  }
  assert.ok(incident.commands.includes("/usr/local/apache2/bin/apachectl -v"), incident.commands.join("\n"));
  assert.deepEqual(config.commands, [
    "/usr/local/apache2/bin/apachectl configtest",
    "/usr/local/apache2/bin/apachectl -k graceful",
  ]);
});

test("an outbound block is suggested only for public addresses: a miner's loopback or LAN peer is not blocked", () => {
  // A process picks its remote end: one connecting to 127.0.0.1, the gateway or this host's database
  // would otherwise get `iptables -I OUTPUT -d 127.0.0.1 -j DROP` suggested, cutting every local service.
  const conn = (id: string, remoteAddress: string) =>
    f({
      id: `network.miner-connection:${id}`,
      check: "network.miner-connection",
      data: { pid: 4242, remoteAddress, remotePort: 14444 },
    });
  const doc = docOf([
    conn("a", "127.0.0.1"),
    conn("b", "10.0.0.1"),
    conn("c", "::1"),
    conn("d", "198.51.100.7"),
  ]);
  const commands = guidance(doc, en).flatMap((g) => g.commands);
  const outbound = commands.filter((c) => c.includes("OUTPUT"));
  assert.deepEqual(outbound, ["iptables -I OUTPUT -d 198.51.100.7 -j DROP"], commands.join("\n"));
});
