import assert from "node:assert/strict";
import { test } from "node:test";
import { type AlertMessage, emailText, jsonPayload } from "../../src/alert/message.ts";
import type { Finding } from "../../src/core/finding.ts";
import { msg } from "../../src/core/message.ts";
import { translator } from "../../src/i18n/index.ts";
import { escapeHtml } from "../../src/report/escape.ts";
import { RENDERERS } from "../../src/report/formats/index.ts";
import { causeKey, groupByCause, shortenCveList } from "../../src/report/group.ts";
import { commandBlocks } from "../../src/report/html/page.ts";
import { fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { docOf, f } from "./scenario.ts";

/** A busy host as issue 18 met it: 67 suspicious executables differing only by path, 8 identical memfd processes. */
function busy(): Finding[] {
  const files = Array.from({ length: 67 }, (_, i) =>
    f({
      id: `file.suspicious:${i}`,
      check: "file.suspicious",
      severity: "medium",
      confidence: i === 5 ? "confirmed" : "likely",
      title: msg("hunt.file.title", { path: `/var/www/uploads/x${i}.bin` }),
      detail: `${1000 + i} bytes, mode 755.`,
      evidence: [{ path: `/var/www/uploads/x${i}.bin`, label: "sha256", value: `${i}`.padStart(64, "0") }],
      remediation: `Do not run it. Delete /var/www/uploads/x${i}.bin and find what wrote it.`,
    }),
  );
  const memfd = Array.from({ length: 8 }, (_, i) =>
    f({
      id: `process.suspicious:${i}`,
      check: "process.suspicious",
      severity: "low",
      confidence: "possible",
      title: msg("hunt.suspicious.title", { name: "memfd:sealed-91", pid: 1165 + i }),
      detail: msg("hunt.suspicious.detail"),
      evidence: [{ pid: 1165 + i, label: "executable", value: "/memfd:sealed-91 (deleted)" }],
      remediation: msg("hunt.process.fix", { pid: 1165 + i }),
    }),
  );
  // Same cause, but critical and confirmed: shown on its own, not folded into the 67.
  const loud = f({
    id: "file.suspicious:loud",
    check: "file.suspicious",
    severity: "critical",
    confidence: "confirmed",
    title: msg("hunt.file.title", { path: "/tmp/kdevtmpfsi" }),
    detail: "miner",
    remediation: "Delete it.",
  });
  return [loud, ...files, ...memfd];
}

const opts = (lang: "en" | "ja", verbose = false) => ({
  lang,
  t: translator(lang),
  color: false,
  threshold: "low" as const,
  timeZone: "UTC",
  verbose,
});

test("same-cause findings are one block each: count, worst severity, three examples, the rest with --verbose", () => {
  const doc = docOf(busy());
  const out = RENDERERS.human.render(doc, opts("en"));
  const lines = out.split("\n");
  const fileHead = lines.filter((l) => l.includes("Suspicious executable: … — 67 findings of this kind"));
  assert.equal(fileHead.length, 1, out);
  // The worst of the group: medium, and confirmed (one member is).
  assert.match(fileHead[0] ?? "", /^\[MEDIUM\] .*\(confirmed\)$/);
  const memHead = lines.filter((l) => l.includes("Suspicious process: … (pid …) — 8 findings of this kind"));
  assert.equal(memHead.length, 1, out);
  assert.match(memHead[0] ?? "", /^\[LOW\] .*\(possible\)$/);
  assert.match(out, /… and 64 more \(--verbose lists all\)/);
  assert.match(out, /… and 5 more \(--verbose lists all\)/);
  // Three examples each, by their own titles.
  for (const i of [0, 1, 2])
    assert.ok(out.includes(`- Suspicious executable: /var/www/uploads/x${i}.bin`), out);
  assert.ok(!out.includes("/var/www/uploads/x3.bin"));
  assert.ok(out.includes("- Suspicious process: memfd:sealed-91 (pid 1167)"));
  assert.ok(!out.includes("pid 1168"));
  // Identical memfd blocks share their why; the critical confirmed one stands alone.
  assert.equal(out.split("Signs seen (none conclusive alone)").length - 1, 1);
  assert.match(out, /^\[CRITICAL\] Suspicious executable: \/tmp\/kdevtmpfsi {2}\(confirmed\)$/m);
  assert.ok(lines.length < 60, `${lines.length} lines`);
  // Next steps first, and their containment command names the worst few, not all 68.
  const first = out.slice(out.indexOf("Next steps"), out.indexOf("[CRITICAL]"));
  assert.match(first, /\$ mamori respond --finding file\.suspicious:loud/);
  assert.ok((first.match(/--finding/g) ?? []).length <= 3, first);

  const verbose = RENDERERS.human.render(doc, opts("en", true));
  assert.ok(!verbose.includes("findings of this kind"));
  for (let i = 0; i < 67; i++)
    assert.ok(verbose.includes(`Suspicious executable: /var/www/uploads/x${i}.bin`));
  assert.equal(verbose.split("Signs seen (none conclusive alone)").length - 1, 8);
  assert.ok(verbose.split("\n").length > 10 * lines.length);

  const ja = RENDERERS.human.render(doc, opts("ja"));
  assert.match(ja, /不審な実行ファイル: … — 同種の検出 67 件/);
  assert.match(ja, /… ほか 64 件 \(--verbose ですべて表示\)/);
});

test("Markdown groups the same way; JSON and SARIF keep every finding whatever --verbose says", () => {
  const doc = docOf(busy());
  const md = RENDERERS.markdown.render(doc, opts("en"));
  assert.equal(md.split("Suspicious executable: … — 67 findings of this kind").length - 1, 1);
  assert.match(md, /`file\.suspicious:0`/);
  assert.ok(!md.includes("`file.suspicious:10`"));
  const mdAll = RENDERERS.markdown.render(doc, opts("en", true));
  assert.ok(mdAll.includes("`file.suspicious:66`"));

  const json = RENDERERS.json.render(doc, opts("en"));
  assert.equal(json, RENDERERS.json.render(doc, opts("en", true)));
  assert.equal(JSON.parse(json).findings.length, 76);
  const sarif = RENDERERS.sarif.render(doc, opts("en"));
  assert.equal(sarif, RENDERERS.sarif.render(doc, opts("en", true)));
  assert.equal(JSON.parse(sarif).runs[0].results.length, 76);
});

test("the cause is the check and the keyed title, not the literal data in it", () => {
  const a = {
    check: "logs.exploit",
    title: msg("logs.finding.title", { ip: "192.0.2.1", attack: { en: "A", ja: "A" } }),
  };
  const b = {
    check: "logs.exploit",
    title: msg("logs.finding.title", { ip: "192.0.2.2", attack: { en: "A", ja: "A" } }),
  };
  const c = {
    check: "logs.exploit",
    title: msg("logs.finding.title", { ip: "192.0.2.1", attack: { en: "B", ja: "B" } }),
  };
  const d = {
    check: "logs.exploit",
    title: msg("logs.finding.title", { ip: "192.0.2.1", attack: "plain-name" }),
  };
  const e = {
    check: "logs.exploit",
    title: msg("logs.finding.title", { ip: "192.0.2.1", attack: "other-name" }),
  };
  assert.equal(causeKey(a), causeKey(b));
  assert.notEqual(causeKey(a), causeKey(c));
  assert.notEqual(causeKey(d), causeKey(e));
  assert.notEqual(causeKey(a), causeKey({ ...b, check: "logs.other" }));
  assert.notEqual(causeKey({ check: "x", title: "one" }), causeKey({ check: "x", title: "two" }));
});

test("a Why that names many CVE titles keeps three and says how many more; odd text is left alone", () => {
  const more = (n: number) => `… +${n} more`;
  const list = Array.from({ length: 8 }, (_, i) => `CVE-2026-${1000 + i} (title (${i}) x)`).join("; ");
  const detail = `${list} … (+9). The version comes from the binary.`;
  assert.equal(
    shortenCveList(detail, 17, 3, more),
    "CVE-2026-1000 (title (0) x); CVE-2026-1001 (title (1) x); CVE-2026-1002 (title (2) x) … +14 more. The version comes from the binary.",
  );
  assert.equal(shortenCveList("CVE-1 (a); CVE-2 (b)", 2, 3, more), "CVE-1 (a); CVE-2 (b)");
  // Unbalanced or hostile text: unchanged, and quick.
  const hostile = `CVE-1-2 (${"(".repeat(100_000)}; CVE-3-4 (x)`;
  const t0 = performance.now();
  assert.equal(shortenCveList(hostile, 10, 3, more), hostile);
  assert.ok(performance.now() - t0 < 200);
});

for (const lang of ["en", "ja"] as const)
  test(`roots/compromised-2.4.49 (${lang}): the first screen is the verdict, the incident and at most three next steps`, async () => {
    const r = await mamori(
      ["audit", "--root", fixtureRoot("compromised-2.4.49"), "--lang", lang, "--now", "2026-12-05T09:00:00Z"],
      { env: { TZ: "Asia/Tokyo" } },
    );
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split("\n");
    const verdict = lang === "ja" ? /^(今すぐ対応|すぐに対応)/ : /^Act now/;
    assert.match(lines[0] ?? "", verdict, lines[0]);
    const incident = lines.findIndex((l) => l.includes("■"));
    const next = lines.indexOf(lang === "ja" ? "次にすること" : "Next steps");
    const firstFinding = lines.findIndex((l, i) => i > next && /^\[/.test(l));
    assert.ok(incident > 0 && next > incident && firstFinding > next, `${incident} ${next} ${firstFinding}`);
    const steps = lines.slice(next + 1, firstFinding).filter((l) => /^ {2}\d\. /.test(l));
    assert.ok(steps.length >= 1 && steps.length <= 3, steps.join("\n"));
    assert.match(lines.slice(next, firstFinding).join("\n"), /\$ mamori respond --incident incident:/);
    // Local time with its zone in the text.
    assert.match(r.stdout, /2026-11-20 12:14:09 JST/);
    // --verbose lists more, never less.
    const all = await mamori(
      ["audit", "--root", fixtureRoot("compromised-2.4.49"), "--lang", lang, "--verbose"],
      { env: { TZ: "Asia/Tokyo" } },
    );
    assert.equal(all.code, 1, all.stderr);
    assert.ok(all.stdout.split("\n").length > lines.length);
  });

test("alert text gives times in the reader's zone; the JSON payload keeps UTC", () => {
  const at = "2026-11-18T03:12:30.000Z";
  const finding = f({
    id: "x:1",
    check: "process.suspicious",
    title: "t",
    evidence: [{ pid: 1, time: at, label: "started" }],
  });
  const m: AlertMessage = {
    kind: "alert",
    host: "web1",
    at,
    lang: "en",
    findings: [finding],
    timeZone: "Asia/Tokyo",
  };
  const { text } = emailText(m, translator("en"));
  assert.ok(text.includes("2026-11-18 12:12:30 JST"), text);
  assert.ok(!text.includes("T03:12:30"), text);
  const payload = jsonPayload(m, translator("en")) as { at: string; text: string };
  assert.equal(payload.at, at);
  assert.ok(payload.text.includes("12:12:30 JST"));
});

/** The elements of an HTML page matching `<tag ... class="cls...` (the renderer writes attributes in one order). */
function count(page: string, re: RegExp): number {
  return page.match(re)?.length ?? 0;
}

test("the HTML report groups by cause too: one card per cause, every finding still has its anchor", () => {
  const findings = busy();
  // A hostile path in a grouped member: escaped in the examples, the list and the anchor.
  (findings[3] as Finding).title = msg("hunt.file.title", { path: '/tmp/"><script>alert(1)</script>' });
  (findings[3] as Finding).id = 'file.suspicious:"><img src=x onerror=alert(1)>';
  const doc = docOf(findings);
  const page = RENDERERS.html.render(doc, { ...opts("en"), threshold: "low" });
  const groups = groupByCause(doc.findings, doc.findings, doc.incidents).filter((g) => g.kind === "group");
  assert.equal(groups.length, 2);
  assert.equal(count(page, /<article class="finding group"/g), groups.length);
  assert.match(page, /data-cause-count="67"/);
  assert.match(page, /data-cause-count="8"/);
  assert.match(page, /67 findings of this kind/);
  // Every finding has exactly one anchor, the loud one stands alone outside any group.
  for (const fd of doc.findings)
    assert.equal(page.split(`id="finding-${escapeHtml(fd.id)}"`).length - 1, 1, fd.id);
  assert.doesNotMatch(page, /<script>alert|<img src=x/);
  assert.match(page, /href="#finding-file\.suspicious%3A%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert\(1\)%3E"/);
  // --verbose: every finding its own card, no group.
  const verbose = RENDERERS.html.render(doc, { ...opts("en", true), threshold: "low" });
  assert.equal(count(verbose, /<article class="finding group"/g), 0);
  assert.equal(count(verbose, /<article class="finding"/g), doc.findings.length);
});

test("HTML commands are one copyable block each; a configuration snippet stays whole", () => {
  assert.deepEqual(
    commandBlocks([
      "mamori respond --incident incident:1",
      "mamori respond --incident incident:1 --apply",
      "# /etc/apache2/apache2.conf",
      "<Directory />",
      "    Require all denied",
      "</Directory>",
      "ServerTokens Prod",
      "apache2ctl configtest",
      "# a comment alone",
      "systemctl reload apache2",
    ]),
    [
      ["mamori respond --incident incident:1"],
      ["mamori respond --incident incident:1 --apply"],
      [
        "# /etc/apache2/apache2.conf",
        "<Directory />",
        "    Require all denied",
        "</Directory>",
        "ServerTokens Prod",
      ],
      ["apache2ctl configtest"],
      ["# a comment alone"],
      ["systemctl reload apache2"],
    ],
  );
});

test("a group of attackers is headed by its own sentence: '21 addresses attacked with … and it appears to have worked'", () => {
  const name = { en: "Apache 2.4.49 path traversal", ja: "Apache 2.4.49 のパストラバーサル" };
  const worked = Array.from({ length: 21 }, (_, i) =>
    f({
      id: `logs.exploit:${i}`,
      check: "logs.exploit",
      severity: "critical",
      confidence: "likely",
      title: msg("logs.finding.titleSucceeded", {
        ip: `198.51.100.${i}`,
        attack: name,
        time: "2026-12-04T14:49:29Z",
      }),
      detail: `d${i}`,
      remediation: "r",
    }),
  );
  const doc = docOf(worked);
  for (const [lang, heading] of [
    ["en", "21 addresses attacked with Apache 2.4.49 path traversal and it appears to have worked"],
    ["ja", "21 件の送信元が Apache 2.4.49 のパストラバーサル で攻撃し、成功した可能性が高いです"],
  ] as const) {
    const out = RENDERERS.human.render(doc, { lang, t: translator(lang), color: false, threshold: "low" });
    assert.ok(out.includes(heading), out.slice(0, 2000));
    assert.ok(!out.includes("findings of this kind") && !out.includes("同種の検出"), lang);
  }
});
