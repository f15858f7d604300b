/**
 * Per-class recall and false positives of the log rules on public material nobody here wrote (issue 15).
 * A line "raises an event" when it passes the prefilter (the rules' literals, as a scan uses them), parses,
 * and a rule matches it; the event's severity is the rule's.
 *
 * Sets (all under ../shared/corpus, read-only):
 * - CRS: crs/lines.jsonl, 1,119 OWASP CRS regression payloads as log lines, per CRS paranoia level; the 356
 *   `benign-crs-negative` lines are scored apart (several are attacks meant for another CRS rule).
 * - real: lines.jsonl (access and error lines; zeek/waf/traefik lines are not formats mamori reads), attack
 *   = any label but `benign`; and reallogs/elastic-examples_apache_logs_2015.log, 10,000 real lines of a
 *   small site, as benign baseline (the handful of real probes in it are listed, not counted as benign).
 * - held-out (never tuned on): CRS lines whose FNV-1a hash of the line is 0 mod 4, and the real lines of
 *   the sources Laaen/IPBanner, dmilith/pff and fubinf/propra-inf (whole sources, so a tuned rule
 *   cannot have seen a sibling line). Everything else is the tuning set.
 *
 * Usage: node scripts/attack-recall.ts [--json] [--misses CLASS] [--fp]
 */
import { existsSync, readFileSync } from "node:fs";
import { parseLine } from "../src/collect/logs/engine/format.ts";
import { matchEntry } from "../src/collect/logs/engine/match.ts";
import { candidateLines } from "../src/collect/logs/engine/prefilter.ts";
import { prefilterFor } from "../src/collect/logs/scan.ts";
import { loadRules, type Rule } from "../src/rules/logs.ts";

const SHARED = new URL("../../shared/corpus/", import.meta.url).pathname;
const PARSED = new Set(["access_combined", "apache_access", "nginx_access", "apache_error"]);
const HELD_OUT_SOURCES = ["Laaen/IPBanner", "dmilith/pff", "fubinf/propra-inf"];
const MEDIUM_UP = new Set(["medium", "high", "critical"]);

export interface Scored {
  line: string;
  set: string;
  cls: string;
  pl?: number;
  heldOut: boolean;
  attack: boolean;
  rule?: string;
  severity?: string;
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Lines the prefilter let through (each costs a parse and the rules: the scan's speed depends on it). */
export const passed = { benign: 0 };

export function makeMatcher(rules: Rule[]): (line: string, benign?: boolean) => Rule | undefined {
  const pf = prefilterFor(rules);
  return (line, benign) => {
    const buf = Buffer.from(`${line}\n`);
    if (candidateLines(buf, 0, buf.length, pf).length === 0) return undefined;
    if (benign) passed.benign++;
    const e = parseLine(line, 1, undefined);
    return e ? matchEntry(rules, e) : undefined;
  };
}

interface Rec {
  line: string;
  label: string;
  log_type?: string;
  attack_class?: string;
  crs_pl?: number;
  source?: string;
}

function jsonl(path: string): Rec[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec);
}

/** Every scored line of every set (sets whose file is missing are left out). */
export function scoreAll(rules: Rule[] = loadRules()): Scored[] {
  const match = makeMatcher(rules);
  const out: Scored[] = [];
  const add = (s: Omit<Scored, "rule" | "severity">) => {
    const r = match(s.line, s.set === "real-benign");
    out.push({ ...s, rule: r?.id, severity: r?.severity });
  };
  const crs = `${SHARED}crs/lines.jsonl`;
  if (existsSync(crs))
    for (const r of jsonl(crs)) {
      const neg = r.label === "benign-crs-negative";
      add({
        line: r.line,
        set: neg ? "crs-negative" : "crs",
        cls: neg ? `neg:${r.attack_class}` : (r.attack_class ?? r.label),
        pl: r.crs_pl,
        heldOut: fnv(r.line) % 4 === 0,
        attack: !neg,
      });
    }
  const corpus = `${SHARED}lines.jsonl`;
  if (existsSync(corpus))
    for (const r of jsonl(corpus)) {
      if (!PARSED.has(r.log_type ?? "")) continue;
      const benign = r.label === "benign";
      add({
        line: r.line,
        set: benign ? "real-benign" : "real-attack",
        cls: r.label,
        heldOut: HELD_OUT_SOURCES.some((s) => (r.source ?? "").startsWith(s)),
        attack: !benign,
      });
    }
  const elastic = `${SHARED}reallogs/elastic-examples_apache_logs_2015.log`;
  if (existsSync(elastic))
    for (const line of readFileSync(elastic, "utf8").split("\n").filter(Boolean))
      add({ line, set: "real-benign", cls: "elastic-2015", heldOut: false, attack: false });
  // apache-lab's visitors: lines real servers wrote for scripted browsing (assets with a same-site
  // Referer on 127.0.0.1, searches, tracking parameters); scored apart from the public real traffic.
  for (const server of ["h249", "h250", "deb", "h249-fallback", "deb-fallback", "deb-app"]) {
    const dir = `${SHARED}apache-lab/${server}/`;
    if (!existsSync(`${dir}truth.jsonl`)) continue;
    const lines = readFileSync(`${dir}access_log`, "utf8").split("\n");
    for (const t of jsonl(`${dir}truth.jsonl`) as unknown as Array<{ line: number; label: string }>)
      if (t.label === "benign" && lines[t.line - 1])
        add({
          line: lines[t.line - 1] as string,
          set: "lab-benign",
          cls: server,
          heldOut: false,
          attack: false,
        });
  }
  return out;
}

const pct = (a: number, n: number) => (n ? `${((a / n) * 100).toFixed(1)}%` : "-");

export interface Summary {
  crsPl1: { hit: number; n: number };
  crsPl1HeldOut: { hit: number; n: number };
  realAttack: { hit: number; n: number };
  realAttackHeldOut: { hit: number; n: number };
  benign: { n: number; any: number; mediumUp: number };
}

export function summarize(s: Scored[]): Summary {
  const count = (f: (x: Scored) => boolean) => {
    const sel = s.filter(f);
    return { hit: sel.filter((x) => x.rule).length, n: sel.length };
  };
  const ben = s.filter((x) => x.set === "real-benign");
  return {
    crsPl1: count((x) => x.set === "crs" && x.pl === 1),
    crsPl1HeldOut: count((x) => x.set === "crs" && x.pl === 1 && x.heldOut),
    realAttack: count((x) => x.set === "real-attack"),
    realAttackHeldOut: count((x) => x.set === "real-attack" && x.heldOut),
    benign: {
      n: ben.length,
      any: ben.filter((x) => x.rule).length,
      mediumUp: ben.filter((x) => x.rule && MEDIUM_UP.has(x.severity ?? "")).length,
    },
  };
}

function table(title: string, rows: Scored[], key: (x: Scored) => string): string[] {
  const per = new Map<string, { n: number; hit: number; ho: number; hoHit: number }>();
  for (const x of rows) {
    const k = key(x);
    const p = per.get(k) ?? { n: 0, hit: 0, ho: 0, hoHit: 0 };
    p.n++;
    if (x.rule) p.hit++;
    if (x.heldOut) {
      p.ho++;
      if (x.rule) p.hoHit++;
    }
    per.set(k, p);
  }
  const out = [
    title,
    `  ${"class".padEnd(34)} ${"events/lines".padStart(13)} ${"rate".padStart(7)}   held-out`,
  ];
  for (const [k, p] of [...per].sort()) {
    out.push(
      `  ${k.padEnd(34)} ${`${p.hit}/${p.n}`.padStart(13)} ${pct(p.hit, p.n).padStart(7)}   ${`${p.hoHit}/${p.ho}`.padStart(7)} ${pct(p.hoHit, p.ho)}`,
    );
  }
  return out;
}

function main(argv: string[]): void {
  const s = scoreAll();
  if (argv.includes("--json")) {
    console.log(JSON.stringify(summarize(s), null, 2));
    return;
  }
  const mi = argv.indexOf("--misses");
  if (mi >= 0) {
    const cls = argv[mi + 1];
    for (const x of s)
      if (x.attack && !x.rule && (cls === "all" || x.cls === cls)) console.log(`${x.cls}\t${x.line}`);
    return;
  }
  if (argv.includes("--fp")) {
    for (const x of s) if (!x.attack && x.rule) console.log(`${x.set}\t${x.rule}\t${x.severity}\t${x.line}`);
    return;
  }
  const lines: string[] = [];
  lines.push(
    ...table(
      "CRS payloads by class and paranoia level",
      s.filter((x) => x.set === "crs"),
      (x) => `${x.cls} pl${x.pl}`,
    ),
  );
  lines.push(
    ...table(
      "CRS negatives (some are attacks for another rule)",
      s.filter((x) => x.set === "crs-negative"),
      (x) => x.cls,
    ),
  );
  lines.push(
    ...table(
      "real attack lines by label",
      s.filter((x) => x.set === "real-attack"),
      (x) => x.cls,
    ),
  );
  const ben = s.filter((x) => x.set === "real-benign");
  const byRule = new Map<string, number>();
  for (const x of ben)
    if (x.rule) byRule.set(`${x.rule} (${x.severity})`, (byRule.get(`${x.rule} (${x.severity})`) ?? 0) + 1);
  const sum = summarize(s);
  lines.push("real benign lines raising an event, by rule");
  for (const [k, n] of [...byRule].sort()) lines.push(`  ${k.padEnd(40)} ${n}`);
  lines.push("");
  lines.push(
    `CRS paranoia-level-1 recall   ${sum.crsPl1.hit}/${sum.crsPl1.n} = ${pct(sum.crsPl1.hit, sum.crsPl1.n)} (held-out ${sum.crsPl1HeldOut.hit}/${sum.crsPl1HeldOut.n} = ${pct(sum.crsPl1HeldOut.hit, sum.crsPl1HeldOut.n)})`,
  );
  lines.push(
    `real attack lines recall      ${sum.realAttack.hit}/${sum.realAttack.n} = ${pct(sum.realAttack.hit, sum.realAttack.n)} (held-out ${sum.realAttackHeldOut.hit}/${sum.realAttackHeldOut.n} = ${pct(sum.realAttackHeldOut.hit, sum.realAttackHeldOut.n)})`,
  );
  lines.push(
    `real benign raising any event ${sum.benign.any}/${sum.benign.n} = ${pct(sum.benign.any, sum.benign.n)}; medium or above ${sum.benign.mediumUp} = ${pct(sum.benign.mediumUp, sum.benign.n)}`,
  );
  lines.push(
    `real benign lines through the prefilter ${passed.benign} = ${pct(passed.benign, sum.benign.n)}`,
  );
  const lab = s.filter((x) => x.set === "lab-benign");
  const labAny = lab.filter((x) => x.rule);
  const labRules = [...new Set(labAny.map((x) => x.rule))].sort().join(", ");
  lines.push(
    `apache-lab benign raising any event ${labAny.length}/${lab.length} = ${pct(labAny.length, lab.length)}; medium or above ${labAny.filter((x) => MEDIUM_UP.has(x.severity ?? "")).length}${labRules ? ` (${labRules})` : ""}`,
  );
  console.log(lines.join("\n"));
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
