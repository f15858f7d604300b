/**
 * Correlation and HTML rendering on a large report: 3,000 findings (exploits, processes, cron
 * entries, connections) with a few real incidents among many unrelated findings. The reference is
 * a JSON round trip of the same document, timed in the same run.
 */
import type { ReportDocument } from "../src/core/document.ts";
import type { Finding } from "../src/core/finding.ts";
import { msg } from "../src/core/message.ts";
import { correlate } from "../src/correlate/index.ts";
import { translator } from "../src/i18n/index.ts";
import { RENDERERS } from "../src/report/formats/index.ts";

const t = msg;
const base = Date.parse("2026-11-20T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const findings: Finding[] = [];
const blank = {
  severity: "high" as const,
  confidence: "likely" as const,
  title: "",
  detail: "",
  cves: [],
  evidence: [],
  remediation: "",
};
for (let i = 0; i < 750; i++) {
  const at = base + i * 97_000;
  findings.push({
    ...blank,
    id: `logs.exploit:${i}`,
    check: "logs.exploit",
    time: iso(at),
    timeSource: "log",
    data: {
      ip: `198.51.${i % 250}.${i % 200}`,
      attack: "traversal",
      outcome: i % 50 === 0 ? "succeeded" : "blocked",
      successTimes: i % 50 === 0 ? [iso(at)] : [],
      indicators: { urls: [`http://203.0.113.${i % 250}/payload${i}`], ips: [], files: [`/tmp/.x${i}`] },
    },
  });
  findings.push({
    ...blank,
    id: `process.cpu:${i}`,
    check: "process.cpu",
    // Unrelated processes started long before; the one the exploit dropped, 2 s after it.
    time: iso(i % 50 === 0 ? at + 2000 : base - 2 * 86400_000 + i * 1000),
    timeSource: "proc",
    data: {
      pid: 1000 + i,
      exe: i % 50 === 0 ? `/tmp/.x${i}` : `/usr/bin/worker${i}`,
      user: "root",
      cpuSeconds: i * 10,
    },
  });
  findings.push({
    ...blank,
    id: `persistence.cron:${i}`,
    check: "persistence.cron",
    time: iso(i % 50 === 0 ? at + 3000 : base - 3 * 86400_000 + i * 1000),
    timeSource: "mtime",
    evidence: [{ path: `/etc/cron.d/job${i}`, line: 1, value: `* * * * * root /opt/job${i}` }],
    data: { path: `/etc/cron.d/job${i}`, line: 1, user: "root" },
  });
  findings.push({
    ...blank,
    id: `network.remote:${i}`,
    check: "network.remote",
    data: {
      pid: i % 50 === 0 ? 1000 + i : 50_000 + i,
      remoteAddress: `10.${Math.floor(i / 250)}.${i % 250}.1`,
      remotePort: 3333,
    },
  });
}
const doc: ReportDocument = {
  schemaVersion: 1,
  tool: { name: "mamori", version: "bench" },
  command: "audit",
  host: { hostname: "bench", osId: "debian", root: "/", live: false },
  scannedAt: iso(base),
  lang: "en",
  findings,
  incidents: [],
  notChecked: [],
  warnings: [],
  sections: {},
};

function time(fn: () => void, runs = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    best = Math.min(best, performance.now() - s);
  }
  return best;
}

const ctx = { now: () => new Date(base), lang: "en" as const, t };
const ref = time(() => JSON.parse(JSON.stringify(doc)));
let incidents = 0;
const corr = time(() => {
  incidents = correlate(findings, ctx).length;
});
doc.incidents = correlate(findings, ctx);
const opts = { lang: "en" as const, t: translator("en"), color: false, threshold: "info" as const };
const html = time(() => RENDERERS.html.render(doc, opts));
const md = time(() => RENDERERS.markdown.render(doc, opts));
console.log(`findings ${findings.length}, incidents ${incidents} (expected 15)`);
console.log(`JSON round trip (reference) ${ref.toFixed(1)} ms`);
console.log(`correlate ${corr.toFixed(1)} ms  (${(corr / ref).toFixed(1)}x reference)`);
console.log(`html ${html.toFixed(1)} ms  (${(html / ref).toFixed(1)}x reference)`);
console.log(`markdown ${md.toFixed(1)} ms  (${(md / ref).toFixed(1)}x reference)`);
if (incidents !== 15) process.exitCode = 1;
