import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { FIXTURE_NOW } from "../helpers/audit.ts";
import { localFeeds, REJUDGE_CVE, snapshotWithout } from "../helpers/local-feeds.ts";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, call, run, startServerProcess } from "./harness.ts";

interface Alert {
  host: string;
  subject: string;
  findings: Array<{ check: string; severity: string; title: string; detail: string; cves: string[] }>;
}

/**
 * Alerts from the server with fleet context, to a real webhook receiver on 127.0.0.1: the attacker of
 * web1 reaching web2 is told once, naming both hosts; a CVE raised by re-judging is alerted too.
 */
test("server alerts: the attacker from web1 now hits web2 (once), and findings raised by re-judging", async (t) => {
  const hits: Alert[] = [];
  const hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      hits.push(JSON.parse(body) as Alert);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => hook.close(() => r())));
  const base = tempDir(t, "mamori-fleetalert-");
  const cfg = path.join(base, "server.yaml");
  fs.writeFileSync(
    cfg,
    [
      "alerts:",
      "  minSeverity: medium",
      "  retry: { attempts: 1, baseDelayMs: 0, timeoutMs: 5000 }",
      "  webhooks:",
      `    - url: http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
      "      format: json",
      "",
    ].join("\n"),
  );
  const data = path.join(base, "data");
  fs.mkdirSync(path.join(data, "vulndata"), { recursive: true, mode: 0o700 });
  fs.chmodSync(data, 0o700);
  fs.writeFileSync(path.join(data, "vulndata", "vulndb.json"), snapshotWithout(REJUDGE_CVE));
  const agentData = path.join(base, "agent-data");
  fs.mkdirSync(agentData);
  fs.writeFileSync(path.join(agentData, "vulndb.json"), snapshotWithout(REJUDGE_CVE));
  const srv = await startServerProcess(t, ["--data", data, "--config", cfg]);
  const url = `https://127.0.0.1:${srv.port}`;
  const push = async (root: string, state: string) => {
    const tok = (await run(["server", "token", "--data", data])).stdout.trim();
    const a = await run(
      ["audit", "--root", root, "--now", FIXTURE_NOW, "--data-dir", agentData, "--push", url, "--token", tok],
      { MAMORI_STATE_DIR: path.join(base, state) },
    );
    assert.equal(a.code, 1, a.stderr);
  };
  const waitFor = async (what: () => boolean, label: string) => {
    const deadline = Date.now() + 20_000;
    while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(what(), label);
  };
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const sightings = async () =>
    (
      (
        await call(srv.port, data, "GET", "/api/v1/fleet/sightings", {
          headers: { authorization: `Bearer ${key}` },
        })
      ).json as { sightings: Array<{ ip: string; host: string; others: Array<{ host: string }> }> }
    ).sightings;

  await push(COMPROMISED, "a");
  // web1 alone: nobody else saw its attackers.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(hits.length, 0);
  assert.deepEqual(await sightings(), []);

  const web2 = path.join(base, "web2-root");
  fs.cpSync(COMPROMISED, web2, { recursive: true, verbatimSymlinks: true });
  fs.writeFileSync(path.join(web2, "etc/hostname"), "web2\n");
  await push(web2, "b");
  await waitFor(() => hits.length >= 1, "an alert about web2");
  const alert = hits[0] as Alert;
  assert.equal(alert.host, "web2");
  const fleet = alert.findings.filter((f) => f.check === "fleet.attacker");
  const about = fleet.find((f) => f.title.includes("203.0.113.5"));
  assert.ok(about, JSON.stringify(alert.findings.map((f) => f.title)));
  assert.equal(about.title, "The attacker 203.0.113.5 seen on web1 now hits web2");
  assert.equal(about.severity, "high", "it got in on web2");
  assert.match(about.detail, /first seen on web1 at 2026-11-20T03:14:05/);
  // The server's own line about it: its stdout reaches this process after the webhook may have.
  await waitFor(
    () => /The attacker 203\.0\.113\.5 seen on web1 now hits web2/.test(srv.output()),
    "the server's log says it too",
  );
  const s = await sightings();
  assert.ok(s.some((x) => x.ip === "203.0.113.5" && x.host === "web2" && x.others[0]?.host === "web1"));

  // The same report again: already told.
  await push(web2, "b");
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(hits.length, 1);
  assert.equal((await sightings()).length, s.length);

  // New data on the server: the CVE raised by re-judging is alerted (db-update given the same config).
  const u = await run(["server", "db-update", "--data", data, "--config", cfg, ...(await localFeeds(t))]);
  assert.equal(u.code, 0, u.stderr);
  await waitFor(() => hits.length >= 3, "one alert per host with the new CVE");
  const cveAlerts = hits.slice(1);
  assert.deepEqual(cveAlerts.map((h) => h.host).sort(), ["web1", "web2"]);
  for (const h of cveAlerts)
    assert.ok(
      h.findings.some((f) => f.cves.includes(REJUDGE_CVE)),
      JSON.stringify(h.findings),
    );
});
