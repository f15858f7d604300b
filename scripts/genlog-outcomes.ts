/**
 * Tallied outcomes of `mamori logs` against genlog's truth (../shared/bench/genlog.mjs --labels): each
 * labelled line is parsed and matched here to learn which rule it falls under, and the report's
 * per-attack table (sections.logs.attacks, every line counted, tallies included) is compared with
 * the labels' `success` per rule (true: succeeded; false: failed or blocked; null: an access log cannot
 * tell). Lines of no label that a rule matched show as `extra` (events minus labelled lines matched).
 *
 *   node ../shared/bench/genlog.mjs --lines 4382785 --seed 9 --attack-rate 0.2 --labels L.jsonl > A.log
 *   bin/mamori logs A.log --format json --output R.json
 *   node scripts/genlog-outcomes.ts A.log L.jsonl R.json
 */
import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseLine } from "../src/collect/logs/engine/format.ts";
import { matchEntry } from "../src/collect/logs/engine/match.ts";
import { loadRules } from "../src/rules/logs.ts";

interface Row {
  attack: string;
  events: number;
  succeeded: number;
  failed: number;
  blocked: number;
  unknown: number;
}

const [logPath, labelPath, reportPath] = process.argv.slice(2);
if (!logPath || !labelPath || !reportPath) {
  process.stderr.write("usage: node scripts/genlog-outcomes.ts LOG LABELS.jsonl REPORT.json\n");
  process.exit(2);
}
const rules = loadRules(undefined);
const truth = new Map<string, { yes: number; no: number; cannot: number }>();
const labels = createInterface({ input: createReadStream(labelPath) })[Symbol.asyncIterator]();
let next = await labels.next();
let lineNo = 0;
let unmatched = 0;
for await (const text of createInterface({ input: createReadStream(logPath), crlfDelay: Infinity })) {
  lineNo++;
  if (next.done) break;
  const label = JSON.parse(next.value) as { line: number; success: boolean | null };
  if (label.line !== lineNo) continue;
  next = await labels.next();
  const e = parseLine(text, lineNo, undefined);
  const rule = e ? matchEntry(rules, e) : undefined;
  if (!rule) {
    unmatched++;
    continue;
  }
  let t = truth.get(rule.id);
  if (!t) {
    t = { yes: 0, no: 0, cannot: 0 };
    truth.set(rule.id, t);
  }
  if (label.success === true) t.yes++;
  else if (label.success === false) t.no++;
  else t.cannot++;
}
const report = JSON.parse(readFileSync(reportPath, "utf8")) as { sections: { logs: { attacks: Row[] } } };
const rows = report.sections.logs.attacks;
const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  `${"attack".padEnd(22)}${pad("events", 8)}${pad("extra", 7)}${pad("succ", 7)}${pad("truth", 7)}${pad("fail+blk", 9)}${pad("truth", 7)}${pad("unknown", 8)}${pad("truth", 7)}`,
);
let off = 0;
for (const r of rows) {
  const t = truth.get(r.attack) ?? { yes: 0, no: 0, cannot: 0 };
  const labelled = t.yes + t.no + t.cannot;
  off += Math.abs(r.succeeded - t.yes);
  console.log(
    `${r.attack.padEnd(22)}${pad(r.events, 8)}${pad(r.events - labelled, 7)}${pad(r.succeeded, 7)}${pad(t.yes, 7)}${pad(r.failed + r.blocked, 9)}${pad(t.no, 7)}${pad(r.unknown, 8)}${pad(t.cannot, 7)}`,
  );
}
console.log(`labelled lines no rule matched: ${unmatched}; |succeeded - truth| summed over attacks: ${off}`);
