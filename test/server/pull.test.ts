import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { request } from "playwright-core";
import { ensureServerSshKey } from "../../src/server/pull/key.ts";
import { pullTarget } from "../../src/server/pull/run.ts";
import { listPullTargets } from "../../src/server/pull/targets.ts";
import { judgeDirOf } from "../../src/server/rejudge.ts";
import { openDataStore } from "../../src/server/run.ts";
import { localFeeds, REJUDGE_CVE, snapshotWithout } from "../helpers/local-feeds.ts";
import { skip, startSshd } from "../helpers/sshd.ts";
import { tempDir } from "../helpers/tmp.ts";
import { call, MAMORI, run, startServerProcess } from "./harness.ts";

/**
 * Agentless pulls with real parts: a real OpenSSH server on 127.0.0.1 whose fixture port runs the
 * collector on upstream-2.4.49, the real `mamori server` pulling it on its schedule with its own key and
 * known_hosts, the report listed in /api/v1/hosts as any pushed one, re-judged by `server db-update`, a
 * broken target's failure shown in the dashboard, and the host key strict once pinned.
 */
const PASSWORD = "correct horse battery staple";

type Doc = { host: { root?: string }; findings: Array<{ cves?: string[] }> };
const cves = (d: Doc) => d.findings.flatMap((f) => f.cves ?? []);

test("server pulls hosts without mamori over SSH on a schedule, stored and re-judged as pushed reports", {
  skip,
  timeout: 10 * 60_000,
}, async (t) => {
  const s = await startSshd(t);
  const base = tempDir(t, "mamori-pull-");
  const data = path.join(base, "data");
  fs.mkdirSync(path.join(data, "vulndata"), { recursive: true, mode: 0o700 });
  fs.chmodSync(data, 0o700);
  fs.writeFileSync(path.join(data, "vulndata", "vulndb.json"), snapshotWithout(REJUDGE_CVE));

  const good = `ssh://root@127.0.0.1:${s.fixturePort}`;
  const broken = `ssh://root@127.0.0.1:${s.garbagePort}`;
  const added = await run(["server", "pull", "add", good, "--data", data]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^ssh-ed25519 [A-Za-z0-9+/=]+ mamori-server\n$/);
  assert.match(added.stderr, /Registered ssh:\/\/root@127\.0\.0\.1:\d+ \(host [0-9a-f]{32}\)/);
  // The server's own key, private to it; the target accepts it.
  const sshDir = path.join(data, "ssh");
  assert.equal(fs.statSync(sshDir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(sshDir, "id_ed25519")).mode & 0o777, 0o600);
  fs.appendFileSync(path.join(s.dir, "authorized_keys"), added.stdout);
  assert.equal((await run(["server", "pull", "add", broken, "--data", data])).code, 0);
  const dup = await run(["server", "pull", "add", good, "--data", data]);
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /already registered/);
  const bad = await run(["server", "pull", "add", "ssh://-oProxyCommand=x", "--data", data, "--lang", "ja"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /対象は ssh:\/\/\[user@\]host\[:port\] の形で指定してください/);
  const badCron = await run(["server", "pull", "add", "ssh://h", "--cron", "61 * * * *", "--data", data]);
  assert.match(badCron.stderr, /not a cron pattern/);

  const srv = await startServerProcess(t, ["--data", data, "--pull-every", "60"]);
  const url = `https://127.0.0.1:${srv.port}`;
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const auth = { authorization: `Bearer ${key}` };
  type Host = { id: string; name: string; lastScanAt: string | null; worstSeverity: string | null };
  const hosts = async () =>
    ((await call(srv.port, data, "GET", "/api/v1/hosts", { headers: auth })).json as { hosts: Host[] }).hosts;
  const ids = new Map(
    (
      await (async () => {
        const store = await openDataStore(data, undefined, 0);
        try {
          return await listPullTargets(store);
        } finally {
          await store.close();
        }
      })()
    ).map((p) => [p.target, p.host_id]),
  );
  const goodId = ids.get(good) as string;
  const brokenId = ids.get(broken) as string;
  // Both are listed from the start; the pull at start fills the good one in.
  const deadline = Date.now() + 180_000;
  let pulled: Host | undefined;
  let list = "";
  for (;;) {
    pulled = (await hosts()).find((h) => h.id === goodId && h.lastScanAt !== null);
    list = (await run(["server", "pull", "list", "--data", data])).stdout;
    if (pulled && /could not be checked/.test(list)) break;
    assert.ok(Date.now() < deadline, `no pull: ${srv.output()}\n${list}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok((await hosts()).some((h) => h.id === brokenId && h.lastScanAt === null));
  // One page at a time, cut by the database in the list's order.
  const page = async (q: string) => call(srv.port, data, "GET", `/api/v1/hosts?${q}`, { headers: auth });
  const whole = await hosts();
  assert.deepEqual(((await page("limit=1")).json as { hosts: Host[] }).hosts, whole.slice(0, 1));
  assert.deepEqual(((await page("limit=1&offset=1")).json as { hosts: Host[] }).hosts, whole.slice(1, 2));
  for (const bad of ["limit=0", "limit=x", "limit=1001", "offset=-1"])
    assert.equal((await page(bad)).status, 400, bad);
  assert.ok(
    pulled.worstSeverity === "critical" || pulled.worstSeverity === "high",
    pulled.worstSeverity ?? "",
  );
  const report = async () =>
    (await call(srv.port, data, "GET", `/api/v1/hosts/${goodId}/report`, { headers: auth })).json as Doc;
  const before = await report();
  assert.equal(before.host.root, good, "the report names the target, not a private copy");
  assert.ok(cves(before).length > 0 && !cves(before).includes(REJUDGE_CVE));
  assert.match(
    list,
    new RegExp(`${broken}\\thost ${brokenId}\\tlast success: never\\tcould not be checked: `),
  );
  assert.match(list, /the collector failed/);
  // Pinned on first use, in the server's own known_hosts.
  const known = fs.readFileSync(path.join(sshDir, "known_hosts"), "utf8");
  assert.match(known, new RegExp(`^\\[127\\.0\\.0\\.1\\]:${s.fixturePort} ssh-ed25519 `, "m"));

  // The dashboard: the failure on the hosts list and the target page; an admin registers one (CSRF).
  const add = spawnSync(MAMORI, ["server", "user", "add", "admin", "--role", "admin", "--data", data], {
    input: `${PASSWORD}\n`,
    encoding: "utf8",
  });
  assert.equal(add.status, 0, add.stderr);
  const req = await request.newContext({
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: { "accept-language": "ja" },
  });
  t.after(() => req.dispose());
  const form = await (await req.get(`${url}/login`)).text();
  const loginCsrf = /name="csrf" value="([^"]+)"/.exec(form)?.[1] ?? "";
  const li = await req.post(`${url}/login`, {
    form: { csrf: loginCsrf, user: "admin", password: PASSWORD },
    maxRedirects: 0,
  });
  assert.equal(li.status(), 303);
  const home = await (await req.get(`${url}/`)).text();
  assert.match(home, /確認できませんでした: ssh:\/\/root@127\.0\.0\.1:\d+: 収集スクリプトが失敗しました/);
  const hostPage = await (await req.get(`${url}/hosts/${brokenId}`)).text();
  assert.match(hostPage, /class="error pull-failure"/);
  const pullPage = await (await req.get(`${url}/pull?lang=en`)).text();
  assert.ok(pullPage.includes(added.stdout.trim()), "the public key to install");
  const csrf = /name="csrf" value="([^"]+)"/.exec(pullPage)?.[1] ?? "";
  const third = "ssh://deploy@web3.example.jp:2222";
  const forged = await req.post(`${url}/pull`, { form: { csrf: "x", target: third }, maxRedirects: 0 });
  assert.equal(forged.status(), 403);
  const ok = await req.post(`${url}/pull`, {
    form: { csrf, target: third, cron: "0 3 * * *", sudo: "1" },
    maxRedirects: 0,
  });
  assert.equal(ok.status(), 303);
  const badForm = await req.post(`${url}/pull`, {
    form: { csrf, target: "web3; rm -rf /" },
    maxRedirects: 0,
  });
  assert.equal(badForm.status(), 400);
  assert.match(
    await badForm.text(),
    /the target must be ssh:\/\/\[user@\]host\[:port\], not web3; rm -rf \//,
  );
  assert.match((await run(["server", "pull", "list", "--data", data])).stdout, /web3\.example\.jp:2222/);
  // A pulled host has no credential to revoke: its page offers to stop pulling it instead (admin, CSRF).
  assert.ok(hostPage.includes(`action="/hosts/${brokenId}/pull-remove"`), "remove pull target");
  assert.ok(!hostPage.includes(`/hosts/${brokenId}/revoke`), "no revoke button for a pulled host");
  const forgedRemove = await req.post(`${url}/hosts/${brokenId}/pull-remove`, {
    form: { csrf: "x" },
    maxRedirects: 0,
  });
  assert.equal(forgedRemove.status(), 403);
  assert.match(
    (await run(["server", "pull", "list", "--data", data])).stdout,
    new RegExp(`host ${brokenId}`),
  );
  const removed = await req.post(`${url}/hosts/${brokenId}/pull-remove`, { form: { csrf }, maxRedirects: 0 });
  assert.equal(removed.status(), 200);
  assert.match(await removed.text(), /Stopped checking ssh:\/\/root@127\.0\.0\.1:\d+/);
  assert.doesNotMatch(
    (await run(["server", "pull", "list", "--data", data])).stdout,
    new RegExp(`host ${brokenId}`),
  );
  assert.equal(
    (await req.post(`${url}/hosts/${brokenId}/pull-remove`, { form: { csrf }, maxRedirects: 0 })).status(),
    404,
  );

  // Re-judging covers the pulled host: its facts were stored as a pushing agent's are.
  const u = await run(["server", "db-update", "--data", data, ...(await localFeeds(t))]);
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stdout, /new findings? on 1 host\b/);
  assert.ok(cves(await report()).includes(REJUDGE_CVE));
  await srv.stop();

  // Strict once pinned: a different host key on the same address is refused, known_hosts left as it was.
  const other = fs
    .readFileSync(path.join(s.dir, "other_host_key.pub"), "utf8")
    .split(" ")
    .slice(0, 2)
    .join(" ");
  const knownFile = path.join(sshDir, "known_hosts");
  const swapped = `[127.0.0.1]:${s.fixturePort} ${other}\n`;
  fs.writeFileSync(knownFile, swapped);
  const store = await openDataStore(data, undefined, 0);
  try {
    const target = (await listPullTargets(store)).find((p) => p.host_id === goodId);
    assert.ok(target?.host_key_pinned_at);
    const r = await pullTarget(store, target, {
      key: () => ensureServerSshKey(data, 0),
      judgeDir: judgeDirOf(data),
      now: () => new Date(),
      lang: "en",
    });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.kind, "hostKeyChanged");
    assert.equal(fs.readFileSync(knownFile, "utf8"), swapped);
    const audit = await store.db
      .selectFrom("audit_log")
      .select(["actor", "action"])
      .where("action", "in", ["pull.add", "pull.fail", "pull.ok", "pull.remove"])
      .execute();
    assert.ok(audit.some((a) => a.action === "pull.remove" && a.actor === "user:admin"));
    assert.ok(audit.some((a) => a.action === "pull.add" && a.actor === "user:admin"));
    assert.ok(audit.some((a) => a.action === "pull.ok" && a.actor === "pull"));
    assert.ok(audit.some((a) => a.action === "pull.fail"));
  } finally {
    await store.close();
  }
});
