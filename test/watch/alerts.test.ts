import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type * as net from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { type Channel, emailChannel, webhookChannel } from "../../src/alert/channels.ts";
import { dispatchAlerts } from "../../src/alert/dispatch.ts";
import { configSchema } from "../../src/config/schema.ts";
import type { Finding } from "../../src/core/finding.ts";
import { type Lang, translator } from "../../src/i18n/index.ts";
import { listDeliveries } from "../../src/store/alerts.ts";
import { openSqlite, type Store } from "../../src/store/db.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { doc, finding } from "./helpers.ts";
import { decodeMail, selfSignedCert, startSmtp } from "./smtp-server.ts";

interface Hit {
  path: string;
  body: string;
}

/** A local webhook receiver; `failFirst` requests answer 500 (an endpoint having a bad minute). */
async function receiver(t: { after: (fn: () => Promise<void> | void) => void }, failFirst = 0, delayMs = 0) {
  const hits: Hit[] = [];
  let failures = failFirst;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (failures > 0) {
        failures--;
        res.writeHead(500).end("no");
        return;
      }
      hits.push({ path: req.url ?? "", body });
      setTimeout(() => res.writeHead(200).end("ok"), delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as net.AddressInfo).port;
  return { hits, url: (p: string) => `http://127.0.0.1:${port}${p}` };
}

const EVIL = "<!channel> *bold* @everyone [x](http://evil) \x1b[31mred\x1b[0m `tick`\nforged line";

function alertsConfig(over: Record<string, unknown> = {}) {
  return configSchema.parse({
    alerts: { minSeverity: "high", retry: { attempts: 3, baseDelayMs: 10 }, ...over },
  }).alerts;
}

async function dispatch(
  store: Store,
  findings: Finding[],
  channels: Channel[],
  lang: Lang,
  at: string,
  over = {},
) {
  const sleeps: number[] = [];
  const r = await dispatchAlerts({
    store,
    scanId: `scan-${at}`,
    doc: doc(findings, at),
    config: alertsConfig(over),
    channels,
    lang,
    t: translator(lang),
    now: () => new Date(at),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { ...r, sleeps };
}

test("webhooks (JSON, Slack, Discord): new findings at or above the threshold alert once, escaped for each medium", async (t) => {
  const dir = tempDir(t);
  const store = await openSqlite(path.join(dir, "h.db"));
  t.after(() => store.close());
  const rx = await receiver(t);
  const channels = [
    webhookChannel({ url: rx.url("/json"), format: "json" }, {}),
    webhookChannel({ url: rx.url("/services/T000/B000/s3cretT0ken"), format: "slack" }, {}),
    webhookChannel({ url: rx.url("/api/webhooks/1/tok3n"), format: "discord" }, {}),
  ];
  const crit = finding("process.miner:1", { severity: "critical", title: `miner ${EVIL}` });
  const high = finding("baseline.cron:1", { severity: "high", title: "New cron entry" });
  const low = finding("baseline.package:1", { severity: "low" });

  const r1 = await dispatch(store, [crit, high, low], channels, "en", "2026-05-01T10:00:00Z");
  assert.equal(r1.candidates.length, 2, "low is below minSeverity high");
  assert.equal(rx.hits.length, 3);
  const json = JSON.parse(rx.hits.find((h) => h.path === "/json")?.body ?? "{}");
  assert.deepEqual(json.findings.map((f: { id: string }) => f.id).sort(), [
    "baseline.cron:1",
    "process.miner:1",
  ]);
  assert.equal(json.findings.find((f: { id: string }) => f.id === "process.miner:1").title, `miner ${EVIL}`);
  assert.match(json.subject, /2 new findings, highest CRITICAL/);
  const rawJson = rx.hits.find((h) => h.path === "/json")?.body ?? "";
  assert.ok(!rawJson.includes("\x1b"), "control characters are JSON-escaped on the wire");

  const slack = rx.hits.find((h) => h.path.startsWith("/services"))?.body ?? "";
  const s = JSON.parse(slack);
  assert.match(s.text, /2 new finding/);
  // A header, then sections (the intro, one per finding, the footer).
  const sections = s.blocks.slice(1) as Array<{ text: { type: string; text: string } }>;
  const blockText = sections.map((b) => b.text.text).join("\n");
  for (const b of sections)
    assert.equal(b.text.type, "plain_text", "Slack never parses plain_text: no mention, no link");
  assert.ok(blockText.includes("\\x1b[31m"), "escape sequences made visible");
  assert.ok(!blockText.includes("\nforged line"), "a newline in a title cannot forge a line");

  const discord = JSON.parse(rx.hits.find((h) => h.path.startsWith("/api/webhooks"))?.body ?? "{}");
  assert.deepEqual(discord.allowed_mentions, { parse: [] });
  assert.ok(!/@everyone/.test(discord.content), "@everyone is broken");
  assert.ok(discord.content.includes("\\*bold\\*"), "Markdown is escaped");
  assert.ok(discord.content.includes("\\[x\\]\\(http"), "links are escaped");

  // Same findings again: nothing is sent (de-duplicated until resolved).
  await dispatch(store, [crit, high, low], channels, "en", "2026-05-01T10:15:00Z");
  assert.equal(rx.hits.length, 3);
  // The miner disappears (resolved), then comes back: it alerts again, alone.
  const r3 = await dispatch(store, [high, low], channels, "en", "2026-05-01T10:30:00Z");
  assert.deepEqual(r3.resolved, ["process.miner:1"]);
  assert.equal(rx.hits.length, 3);
  await dispatch(store, [crit, high, low], channels, "en", "2026-05-01T10:45:00Z");
  assert.equal(rx.hits.length, 6);
  const again = JSON.parse(rx.hits.at(-3)?.body ?? "{}");
  assert.deepEqual(
    again.findings.map((f: { id: string }) => f.id),
    ["process.miner:1"],
  );

  // Slack/Discord URLs hold tokens: the delivery table shows them redacted.
  const del = await listDeliveries(store.db);
  assert.ok(del.length >= 6);
  for (const d of del) assert.ok(!d.target.includes("s3cretT0ken") && !d.target.includes("tok3n"), d.target);
});

test("alerts in Japanese", async (t) => {
  const dir = tempDir(t);
  const store = await openSqlite(path.join(dir, "h.db"));
  t.after(() => store.close());
  const rx = await receiver(t);
  await dispatch(
    store,
    [finding("x:1", { severity: "critical" })],
    [webhookChannel({ url: rx.url("/j"), format: "json" }, {})],
    "ja",
    "2026-05-01T10:00:00Z",
  );
  const j = JSON.parse(rx.hits[0]?.body ?? "{}");
  assert.equal(j.lang, "ja");
  assert.match(j.subject, /新しい検出 1 件 \(最大深刻度 緊急\)/);
  assert.match(j.text, /新しい問題が 1 件見つかりました/);
});

test("an endpoint that is down is retried with backoff, and the failure is recorded and shown by mamori history", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "h.db");
  const store = await openSqlite(db);
  // A port nobody listens on: connection refused.
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const down = webhookChannel({ url: `http://127.0.0.1:${port}/hook/SECRETTOKEN123`, format: "json" }, {});
  const r = await dispatch(
    store,
    [finding("y:1", { severity: "critical" })],
    [down],
    "en",
    "2026-05-01T10:00:00Z",
  );
  assert.deepEqual(r.sleeps, [10, 40], "exponential backoff between the three attempts");
  assert.equal(r.deliveries[0]?.status, "failed");
  assert.equal(r.deliveries[0]?.attempts, 3);
  // Not delivered anywhere: it stays new and is tried again after the next scan.
  const rx = await receiver(t, 2);
  const flaky = webhookChannel({ url: rx.url("/hook"), format: "json" }, {});
  const r2 = await dispatch(
    store,
    [finding("y:1", { severity: "critical" })],
    [flaky],
    "en",
    "2026-05-01T10:15:00Z",
  );
  assert.equal(r2.deliveries[0]?.status, "sent");
  assert.equal(r2.deliveries[0]?.attempts, 3, "two 500s, then delivered");
  assert.equal(rx.hits.length, 1);
  await store.close();

  const h = await mamori(["history", "--db", db, "--format", "json"]);
  const deliveries = JSON.parse(h.stdout).sections.history.deliveries;
  assert.deepEqual(
    deliveries.map((d: { status: string }) => d.status),
    ["sent", "failed"],
  );
  assert.match(deliveries[1].error, /ECONNREFUSED|fetch failed/);
  const human = await mamori(["history", "--db", db]);
  assert.match(human.stdout, /FAILED after 3 attempt/);
  assert.ok(
    !human.stdout.includes("SECRETTOKEN123") && !h.stdout.includes("SECRETTOKEN123"),
    "token never shown",
  );
  assert.match(human.stdout, /http:\/\/127\.0\.0\.1:\d+\/\*\*\*/);
});

test("rate limit: over maxPerHour the findings wait for the daily digest, which goes out once", async (t) => {
  const dir = tempDir(t);
  const store = await openSqlite(path.join(dir, "h.db"));
  t.after(() => store.close());
  const rx = await receiver(t);
  const ch = [webhookChannel({ url: rx.url("/r"), format: "json" }, {})];
  const over = { rateLimit: { maxPerHour: 1 }, digest: { enabled: true, hour: 0 } };
  // 2026-05-01T10:00 local: past the digest hour (0), nothing queued yet, so no digest.
  const at = (h: number, m: number) => new Date(2026, 4, 1, h, m).toISOString();
  await dispatch(store, [finding("a:1")], ch, "en", at(10, 0), over);
  assert.equal(rx.hits.length, 1);
  const r2 = await dispatch(store, [finding("a:1"), finding("b:1")], ch, "en", at(10, 15), over);
  assert.equal(r2.deliveries[0]?.status, "rate-limited");
  assert.equal(r2.queued, 1);
  assert.equal(rx.hits.length, 2, "the digest went out (digest hour passed)");
  const digest = JSON.parse(rx.hits[1]?.body ?? "{}");
  assert.equal(digest.kind, "digest");
  assert.deepEqual(
    digest.findings.map((f: { id: string }) => f.id),
    ["b:1"],
  );
  await dispatch(store, [finding("a:1"), finding("b:1"), finding("c:1")], ch, "en", at(10, 30), over);
  assert.equal(rx.hits.length, 2, "c:1 is rate-limited again and today's digest is already sent");
  await dispatch(store, [finding("a:1"), finding("b:1"), finding("c:1")], ch, "en", at(11, 31), over);
  // An hour later the limit has room again, but c:1 was queued for the digest (alerted once): nothing new.
  assert.equal(rx.hits.length, 2);
});

test("e-mail over SMTP with STARTTLS and AUTH, in English and Japanese; the password is never recorded", async (t) => {
  const dir = tempDir(t);
  const cert = selfSignedCert(dir);
  const smtp = await startSmtp({ key: cert.key, cert: cert.cert, user: "mamori", pass: "p@ss-w0rd!" });
  t.after(() => smtp.close());
  const env = { MAMORI_SMTP_PASSWORD: "p@ss-w0rd!" };
  const cfg = configSchema.parse({
    alerts: {
      email: {
        host: "127.0.0.1",
        port: smtp.port,
        security: "starttls",
        user: "mamori",
        caFile: cert.certFile,
        from: "mamori@web1.example",
        to: ["ops@example.org", "oncall@example.org"],
      },
    },
  }).alerts;
  assert.ok(cfg.email);
  const mail = emailChannel(cfg.email, env);
  for (const lang of ["en", "ja"] as const) {
    const store = await openSqlite(path.join(dir, `${lang}.db`));
    const r = await dispatch(
      store,
      [finding("process.miner:1", { severity: "critical", title: `xmrig ${EVIL}` })],
      [mail],
      lang,
      "2026-05-01T10:00:00Z",
    );
    assert.equal(r.deliveries[0]?.status, "sent", r.deliveries[0]?.error ?? "");
    const rows = JSON.stringify(await listDeliveries(store.db));
    assert.ok(!rows.includes("p@ss-w0rd!"));
    await store.close();
  }
  assert.equal(smtp.mails.length, 2);
  for (const m of smtp.mails) {
    assert.equal(m.tls, true, "the message went inside TLS");
    assert.equal(m.authTls, true, "credentials were sent only after STARTTLS");
    assert.equal(m.authUser, "mamori");
    assert.deepEqual(m.to, ["ops@example.org", "oncall@example.org"]);
  }
  assert.ok(
    smtp.transcript.filter((l) => l.includes("AUTH")).every((l) => l.startsWith("tls:")),
    smtp.transcript.join("\n"),
  );
  const en = decodeMail(smtp.mails[0]?.data ?? "");
  assert.match(en.subject, /\[mamori\] web1: 1 new finding, highest CRITICAL/);
  assert.match(en.text, /mamori found 1 new problem on web1/);
  assert.ok(en.text.includes("\\x1b[31m"), "escape sequences are visible, not live");
  assert.ok(en.text.includes("\\nforged line"), "a newline in a title cannot forge a line");
  const ja = decodeMail(smtp.mails[1]?.data ?? "");
  assert.match(ja.subject, /\[mamori\] web1: 新しい検出 1 件 \(最大深刻度 緊急\)/);
  assert.match(ja.text, /新しい問題が 1 件見つかりました/);
});

test("a wrong SMTP password is a recorded failure whose text does not contain the password", async (t) => {
  const dir = tempDir(t);
  const cert = selfSignedCert(dir);
  const smtp = await startSmtp({ key: cert.key, cert: cert.cert, user: "mamori", pass: "right" });
  t.after(() => smtp.close());
  const cfg = configSchema.parse({
    alerts: {
      email: {
        host: "127.0.0.1",
        port: smtp.port,
        user: "mamori",
        password: "wrong-secret-pw",
        caFile: cert.certFile,
        from: "m@x.example",
        to: ["o@x.example"],
      },
    },
  }).alerts;
  assert.ok(cfg.email);
  const store = await openSqlite(path.join(dir, "h.db"));
  t.after(() => store.close());
  const r = await dispatch(
    store,
    [finding("z:1", { severity: "high" })],
    [emailChannel(cfg.email, {})],
    "en",
    "2026-05-01T10:00:00Z",
  );
  assert.equal(r.deliveries[0]?.status, "failed");
  assert.ok(!(r.deliveries[0]?.error ?? "").includes("wrong-secret-pw"));
  assert.equal(smtp.mails.length, 0);
});

test("two processes dispatching the same new finding at once send one alert (the claim is transactional)", async (t) => {
  const { spawn } = await import("node:child_process");
  const dir = tempDir(t);
  const db = path.join(dir, "h.db");
  await (await openSqlite(db)).close();
  const rx = await receiver(t, 0, 200); // a slow endpoint: the sends overlap
  const script = path.join(import.meta.dirname, "fixtures/dispatcher.ts");
  const racers = [0, 1, 2].map(() => {
    const p = spawn(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", script, db, rx.url("/race")],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    let onReady: () => void = () => undefined;
    const ready = new Promise<void>((r) => (onReady = r));
    p.stdout.on("data", (b) => {
      out += b;
      if (out.includes("ready")) onReady();
    });
    p.stderr.on("data", (b) => (err += b));
    const done = new Promise<string>((resolve, reject) =>
      p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(err)))),
    );
    return { ready, done };
  });
  await Promise.all(racers.map((r) => r.ready));
  fs.writeFileSync(`${db}.go`, "");
  const outs = await Promise.all(racers.map((r) => r.done));
  const claimed = outs.map((o) => Number(/claimed (\d+)/.exec(o)?.[1])).sort();
  assert.deepEqual(claimed, [0, 0, 1], "exactly one process claimed the finding");
  assert.equal(rx.hits.length, 1);
});
