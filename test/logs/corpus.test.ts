/**
 * External benchmark: the labelled public corpus (../shared/corpus/lines.jsonl) through the rules.
 * Line types parsed: access_combined, apache_access, nginx_access, apache_error. Skipped (not
 * formats mamori reads): zeek_http, waf_edge, traefik_clf, npm_proxy, other_access, nginx_error.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { parseLine } from "../../src/collect/logs/engine/format.ts";
import { matchEntry } from "../../src/collect/logs/engine/match.ts";
import { loadRules } from "../../src/rules/logs.ts";

const CORPUS = new URL("../../../shared/corpus/lines.jsonl", import.meta.url).pathname;
const PARSED = new Set(["access_combined", "apache_access", "nginx_access", "apache_error"]);
/** Corpus labels that are not mamori's attack ids. */
const LABEL_TO_ID: Record<string, string> = { shellshock: "cve-2014-6271", log4shell: "cve-2021-44228" };
const NON_ATTACK = new Set(["benign", "recon"]);

interface Rec {
  line: string;
  label: string;
  log_type: string;
}

test("corpus: every CVE-2021-41773/42013 line found, >=95% attack recall, <=1% benign lines raise an event", {
  skip: !existsSync(CORPUS) && "corpus not present",
}, () => {
  const rules = loadRules();
  const recs = readFileSync(CORPUS, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec)
    .filter((r) => PARSED.has(r.log_type));
  const per = new Map<string, { n: number; hit: number; exact: number; missed: string[] }>();
  let benign = 0;
  let fp = 0;
  const fps: string[] = [];
  for (const r of recs) {
    const e = parseLine(r.line, 1, undefined);
    const rule = e ? matchEntry(rules, e) : undefined;
    if (r.label === "benign") {
      benign++;
      if (rule) {
        fp++;
        fps.push(`${rule.id}: ${r.line.slice(0, 160)}`);
      }
      continue;
    }
    const want = LABEL_TO_ID[r.label] ?? r.label;
    const s = per.get(r.label) ?? { n: 0, hit: 0, exact: 0, missed: [] };
    s.n++;
    if (rule) s.hit++;
    else s.missed.push(r.line.slice(0, 160));
    if (rule?.id === want) s.exact++;
    per.set(r.label, s);
  }
  let attackN = 0;
  let attackHit = 0;
  const report: string[] = [];
  for (const [label, s] of [...per].sort()) {
    report.push(
      `${label.padEnd(24)} ${String(s.hit).padStart(3)}/${String(s.n).padEnd(3)} (as ${LABEL_TO_ID[label] ?? label}: ${s.exact})`,
    );
    if (!NON_ATTACK.has(label)) {
      attackN += s.n;
      attackHit += s.hit;
    }
  }
  const recall = attackHit / attackN;
  report.push(`attack recall ${attackHit}/${attackN} = ${(recall * 100).toFixed(1)}%`);
  report.push(`benign raising an event: ${fp}/${benign} = ${((fp / benign) * 100).toFixed(2)}%`);
  for (const [label, s] of per) for (const m of s.missed) report.push(`  missed ${label}: ${m}`);
  for (const f of fps) report.push(`  false positive ${f}`);
  console.log(report.join("\n"));
  for (const cve of ["cve-2021-41773", "cve-2021-42013"]) {
    const s = per.get(cve);
    assert.ok(s && s.n > 0, cve);
    assert.equal(s.exact, s.n, `${cve}: ${s.exact}/${s.n} found as ${cve}`);
  }
  assert.ok(recall >= 0.95, `attack recall ${recall}`);
  assert.ok(fp / benign <= 0.01, `false positives ${fp}/${benign}`);
});
