import assert from "node:assert/strict";
import * as http from "node:http";
import type * as net from "node:net";
import { test } from "node:test";
import { webhookChannel } from "../../src/alert/channels.ts";
import { type AlertMessage, emailText, LIMITS } from "../../src/alert/message.ts";
import { configSchema } from "../../src/config/schema.ts";
import type { Incident } from "../../src/core/document.ts";
import type { Finding } from "../../src/core/finding.ts";
import { type Lang, translator } from "../../src/i18n/index.ts";
import { finding } from "./helpers.ts";

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 keeping each request's headers and body. */
async function receiver(t: { after: (fn: () => Promise<void>) => void }) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as net.AddressInfo).port;
  return { hits, url: `http://127.0.0.1:${port}/hook` };
}

const EVIL = "[toall] [To:1234] <!channel> @everyone *bold* \x1b[31mred";

/**
 * A bad scan: 200 new findings with long evidence, most of them CVE version matches that sort first by id,
 * and the running miner, which is what the incident is about and must not be cut off.
 */
function bigMessage(lang: Lang): AlertMessage {
  const findings: Finding[] = [];
  for (let i = 0; i < 200; i++)
    findings.push(
      finding(`apache.cve:${String(i).padStart(4, "0")}`, {
        severity: "critical",
        confidence: "likely",
        title: `CVE-2021-${40000 + i} applies to Apache 2.4.49 ${"x".repeat(120)}`,
        evidence: [{ path: `/usr/local/apache2/bin/httpd-${"y".repeat(300)}`, value: EVIL }],
        remediation: "upgrade",
      }),
    );
  const miner = finding("process.miner:zzzz", {
    severity: "critical",
    confidence: "confirmed",
    title: `cryptominer kdevtmpfsi running ${EVIL}`,
    evidence: [{ path: "/tmp/kdevtmpfsi", pid: 4242 }],
  });
  findings.push(miner);
  const incident: Incident = {
    id: "incident:1",
    severity: "critical",
    confidence: "confirmed",
    title: "Break-in through Apache 2.4.49",
    summary: "a miner runs from /tmp",
    findingIds: [miner.id],
    timeline: [],
  };
  return { kind: "alert", host: "web01", at: "2026-11-20T03:00:00Z", lang, findings, incidents: [incident] };
}

async function send(t: Parameters<typeof receiver>[0], over: Record<string, unknown>, lang: Lang = "en") {
  const rx = await receiver(t);
  const cfg = configSchema.parse({ alerts: { webhooks: [{ url: rx.url, ...over }] } }).alerts.webhooks[0];
  assert.ok(cfg);
  const ch = webhookChannel(cfg, { CW_TOKEN: "cw-secret-token-1" });
  await ch.send(bigMessage(lang), translator(lang), 5000);
  assert.equal(rx.hits.length, 1);
  return { hit: rx.hits[0] as Hit, channel: ch };
}

function moreCount(text: string): number {
  const m = /\.\.\. and (\d+) more\.|ほか (\d+) 件。/.exec(text);
  assert.ok(m, `says how many were left out: ${text.slice(-300)}`);
  return Number(m[1] ?? m[2]);
}

test("Slack: within 50 blocks, 3000 characters a section and 40,000 in all; the incident and its miner first", async (t) => {
  const { hit } = await send(t, { format: "slack" });
  const p = JSON.parse(hit.body);
  assert.ok(p.blocks.length <= LIMITS.slackBlocks);
  assert.ok(p.blocks[0].text.text.length <= LIMITS.slackHeader);
  const texts: string[] = p.blocks.map((b: { text: { text: string } }) => b.text.text);
  for (const s of texts) assert.ok(s.length <= LIMITS.slackSection);
  assert.ok(texts.join("").length + p.text.length <= LIMITS.slackText);
  assert.match(
    texts[1] ?? "",
    /INCIDENT \(Critical\): Break-in through Apache 2\.4\.49\. a miner runs from \/tmp/i,
  );
  assert.match(texts[2] ?? "", /cryptominer kdevtmpfsi/);
  const shown = texts.slice(2).filter((s) => /^\[CRITICAL\]/.test(s)).length;
  assert.equal(moreCount(texts.at(-1) ?? ""), 201 - shown);
});

test("Discord: 2000 characters of content, the incident first, nobody pinged", async (t) => {
  const { hit } = await send(t, { format: "discord" });
  const p = JSON.parse(hit.body);
  assert.ok(p.content.length <= LIMITS.discordContent, String(p.content.length));
  assert.deepEqual(p.allowed_mentions, { parse: [] });
  const incidentAt = p.content.indexOf("Break\\-in through");
  assert.ok(incidentAt > 0 && incidentAt < p.content.indexOf("cryptominer"));
  assert.ok(p.content.indexOf("cryptominer") < p.content.indexOf("CVE"));
  assert.ok(!p.content.includes("@everyone"));
  const shown = (p.content.match(/^\[CRITICAL\]/gm) ?? []).length;
  assert.equal(moreCount(p.content), 201 - shown);
});

test("Teams: an Adaptive Card within 28 KB, text in TextRuns (no Markdown), the incident first", async (t) => {
  const { hit } = await send(t, { format: "teams" }, "ja");
  assert.match(String(hit.headers["content-type"]), /^application\/json/);
  assert.ok(Buffer.byteLength(hit.body) <= LIMITS.teamsBytes, String(Buffer.byteLength(hit.body)));
  const p = JSON.parse(hit.body);
  assert.equal(p.type, "message");
  const card = p.attachments[0];
  assert.equal(card.contentType, "application/vnd.microsoft.card.adaptive");
  assert.equal(card.content.type, "AdaptiveCard");
  const lines: string[] = card.content.body.map(
    (b: { type: string; inlines: { type: string; text: string }[] }) => {
      assert.equal(b.type, "RichTextBlock");
      assert.equal(b.inlines[0]?.type, "TextRun");
      return b.inlines[0]?.text ?? "";
    },
  );
  assert.match(lines[0] ?? "", /web01/);
  const incident = lines.findIndex((l) => l.startsWith("インシデント"));
  const miner = lines.findIndex((l) => l.includes("cryptominer"));
  assert.ok(incident > 0 && incident < miner);
  const shown = lines.filter((l) => /^\[緊急\]/.test(l)).length;
  assert.ok(shown > 5 && shown < 201);
  assert.equal(moreCount(lines.join("\n")), 201 - shown);
});

test("Chatwork: a form with body= and the X-ChatWorkToken header, 65,535 characters at most, markup broken", async (t) => {
  const { hit, channel } = await send(t, { format: "chatwork", tokenEnv: "CW_TOKEN" });
  assert.match(String(hit.headers["content-type"]), /^application\/x-www-form-urlencoded/);
  assert.equal(hit.headers["x-chatworktoken"], "cw-secret-token-1");
  assert.ok(channel.secrets.includes("cw-secret-token-1"), "the token is scrubbed from error texts");
  const form = new URLSearchParams(hit.body);
  assert.equal(form.get("self_unread"), "0");
  const body = form.get("body") ?? "";
  assert.ok(body.length <= LIMITS.chatworkChars, String(body.length));
  assert.ok(body.length > 20_000, "uses the room Chatwork gives");
  assert.match(body, /^\[info\]\[title\]\[\u200bmamori\] web01: 201 new finding/);
  assert.ok(body.endsWith("[/info]"));
  assert.ok(!body.includes("[toall]") && !body.includes("[To:1234]"), "nobody is pinged");
  assert.ok(body.includes("[\u200btoall]"));
  assert.ok(body.indexOf("INCIDENT") < body.indexOf("cryptominer"));
  const shown = (body.match(/^\[CRITICAL\]/gm) ?? []).length;
  assert.equal(moreCount(body), 201 - shown);
});

test("a chatwork webhook without a token is refused when the configuration is read", () => {
  const r = configSchema.safeParse({
    alerts: { webhooks: [{ url: "https://api.chatwork.com/v2/rooms/1/messages", format: "chatwork" }] },
  });
  assert.equal(r.success, false);
  assert.equal(r.error?.issues[0]?.message, "watch.config.chatworkToken");
});

test("e-mail text and the JSON webhook stay bounded when findings carry megabytes; the worst is still named", async (t) => {
  // A command line can be megabytes: an attacker padding their processes must not push the alert past
  // the mail server's size limit (refused, the alert never delivered) or the receiver's.
  const m = bigMessage("en");
  const huge = "A".repeat(1 << 20);
  m.incidents = [];
  m.findings = [
    finding("process.miner:0001", {
      severity: "critical",
      confidence: "confirmed",
      title: `cryptominer kdevtmpfsi running ${huge}`,
      detail: huge,
      evidence: [{ path: "/tmp/kdevtmpfsi", pid: 4242, value: huge }],
      remediation: huge,
    }),
    ...m.findings,
    ...Array.from({ length: 300 }, (_, i) =>
      finding(`file.dropped:${i}`, { title: huge, evidence: [{ value: huge }] }),
    ),
  ];
  const mail = emailText(m, translator("en"));
  assert.ok(mail.text.length <= LIMITS.emailChars + 1, `${mail.text.length}`);
  assert.match(mail.text, /cryptominer kdevtmpfsi running AAAA/);
  const rx = await receiver(t);
  const cfg = configSchema.parse({ alerts: { webhooks: [{ url: rx.url }] } }).alerts.webhooks[0];
  assert.ok(cfg);
  await webhookChannel(cfg, {}).send(m, translator("en"), 5000);
  const body = rx.hits[0]?.body ?? "";
  assert.ok(body.length < 8 << 20, `${body.length}`);
  const p = JSON.parse(body);
  assert.equal(p.findings.length, LIMITS.jsonFindings);
  assert.equal(p.findingsLeft, m.findings.length - LIMITS.jsonFindings);
  assert.match(p.findings[0].title, /^cryptominer kdevtmpfsi running A+…$/);
  assert.ok(p.findings[0].evidence[0].value.length <= LIMITS.jsonField + 1);
});

test("the JSON webhook carries a process's bidi and C1 characters as \\uXXXX: the same data, nothing a viewer acts on", async (t) => {
  // exec -a "xmrig\u202egnp.\u009b31m": the name a process gives itself, shown in a SIEM or a terminal.
  const name = "xmrig\u202egnp.\u009b31m";
  const m = bigMessage("en");
  m.incidents = [];
  m.findings = [finding("process.miner:0001", { title: `cryptominer ${name}`, evidence: [{ value: name }] })];
  const rx = await receiver(t);
  const cfg = configSchema.parse({ alerts: { webhooks: [{ url: rx.url }] } }).alerts.webhooks[0];
  assert.ok(cfg);
  await webhookChannel(cfg, {}).send(m, translator("en"), 5000);
  const body = rx.hits[0]?.body ?? "";
  assert.doesNotMatch(body, /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.match(body, /\\u202e/);
  assert.equal(JSON.parse(body).findings[0].evidence[0].value, name, "the same string once parsed");
});
