/**
 * Fuzzing the log reader and the rule engine (issue 10): thousands of corpus lines mutated the way a
 * hostile client or a damaged file mutates them (flipped bytes, cuts, a slice repeated, fields over
 * Apache's limit, invalid UTF-8, NULs and control bytes, `%` garbage, the hostile newline), through
 * parseLine + matchEntry in-process and through the whole `mamori logs` command on a file of them:
 * no exception, human output inert for a terminal, JSON output valid JSON. The PRNG is seeded
 * (MAMORI_FUZZ_SEED, printed on failure) so a failure reproduces.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseLine } from "../../src/collect/logs/engine/format.ts";
import { matchEntry } from "../../src/collect/logs/engine/match.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { mamori } from "../helpers/cli.ts";
import { assertTerminalSafe } from "../helpers/hostile.ts";

const SEED = Number(process.env.MAMORI_FUZZ_SEED ?? 20240312);
const COUNT = Number(process.env.MAMORI_FUZZ_LINES ?? 6000);
const SHARED = new URL("../../../shared/corpus/", import.meta.url).pathname;

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Corpus lines when the shared corpus is there, the rules' own samples otherwise. */
function seeds(): Buffer[] {
  const out: Buffer[] = [];
  for (const f of ["lines.jsonl", "crs/lines.jsonl"]) {
    const p = join(SHARED, f);
    if (!existsSync(p)) continue;
    for (const l of readFileSync(p, "utf8").split("\n"))
      if (l) out.push(Buffer.from((JSON.parse(l) as { line: string }).line, "utf8"));
  }
  if (out.length === 0)
    for (const r of loadRules())
      for (const s of [...r.samples.positive, ...r.samples.negative]) out.push(Buffer.from(s, "utf8"));
  return out;
}

const GARBAGE = ["%", "%%", "%2", "%zz", "%u", "%u12", "%%32%65", "%00", "%0a", "%c0%ae", "%ff", "${", "(){"];
const HOSTILE_NEWLINE = Buffer.from("\\x0aINJECTED \\nINJECTED \x1b[31m \\x1b[2J", "latin1");

function mutate(src: Buffer, rnd: () => number): Buffer {
  const pick = (n: number) => Math.floor(rnd() * n);
  let b = Buffer.from(src);
  const steps = 1 + pick(3);
  for (let s = 0; s < steps; s++) {
    const at = pick(b.length + 1);
    switch (pick(9)) {
      case 0: // flip bytes
        for (let k = 0; k < 1 + pick(4) && b.length > 0; k++) b[pick(b.length)] = pick(256);
        break;
      case 1: // truncate
        b = b.subarray(0, at);
        break;
      case 2: {
        // repeat a slice of the line many times
        const from = pick(b.length + 1);
        const slice = b.subarray(from, Math.min(b.length, from + 1 + pick(8)));
        if (slice.length > 0)
          b = Buffer.concat([
            b.subarray(0, at),
            Buffer.alloc(slice.length * (50 + pick(2000)), slice),
            b.subarray(at),
          ]);
        break;
      }
      case 3: // a field far over Apache's limit
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.alloc(9000 + pick(30000), pick(2) ? "A" : "%"),
          b.subarray(at),
        ]);
        break;
      case 4: // invalid UTF-8
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from([0xc0, 0xae, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0xe2, 0x28]),
          b.subarray(at),
        ]);
        break;
      case 5: // NULs and control bytes
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from([0, 1, 7, 8, 0x1b, 0x7f, 0x9b, 13]),
          b.subarray(at),
        ]);
        break;
      case 6: // percent garbage
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(GARBAGE[pick(GARBAGE.length)] as string),
          b.subarray(at),
        ]);
        break;
      case 7: // what a hostile client writes into a logged field
        b = Buffer.concat([b.subarray(0, at), HOSTILE_NEWLINE, b.subarray(at)]);
        break;
      default: // a quote or bracket that breaks the format
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(['"', "[", "]", "\\", " "][pick(5)] as string),
          b.subarray(at),
        ]);
    }
  }
  // One line each: a newline byte would only split the line in two.
  for (let i = 0; i < b.length; i++) if (b[i] === 10) b[i] = 32;
  return b;
}

export function fuzzLines(): Buffer[] {
  const rnd = prng(SEED);
  const base = seeds();
  const out: Buffer[] = [];
  for (let i = 0; i < COUNT; i++) out.push(mutate(base[Math.floor(rnd() * base.length)] as Buffer, rnd));
  return out;
}

test(`fuzz (seed ${SEED}): mutated lines through parseLine and the rules throw nothing`, () => {
  const rules = loadRules();
  for (const [i, b] of fuzzLines().entries()) {
    for (const text of [b.toString("utf8"), b.toString("latin1")]) {
      try {
        const e = parseLine(text, i + 1, undefined);
        if (e) matchEntry(rules, e);
      } catch (err) {
        assert.fail(`seed ${SEED} line ${i}: ${(err as Error).stack}\n${JSON.stringify(text.slice(0, 300))}`);
      }
    }
  }
});

test(`fuzz (seed ${SEED}): mamori logs on a file of mutated lines: human output inert, JSON valid`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mamori-fuzz-"));
  try {
    const file = join(dir, "access.log");
    writeFileSync(file, Buffer.concat(fuzzLines().flatMap((b) => [b, Buffer.from("\n")])));
    const human = await mamori(["logs", file, "--lang", "en"]);
    assert.ok(
      human.code === 0 || human.code === 1 || human.code === 2,
      `seed ${SEED}: exit ${human.code}\n${human.stderr}`,
    );
    assert.doesNotMatch(
      human.stderr,
      /\n\s+at /,
      `seed ${SEED}: a stack trace\n${human.stderr.slice(0, 2000)}`,
    );
    for (const [what, out] of [
      ["stdout", human.stdout],
      ["stderr", human.stderr],
    ] as const) {
      assertTerminalSafe(out, `seed ${SEED} ${what}`);
      // Nor any other control character a terminal acts on (C0 but tab and newline, DEL, C1).
      assert.doesNotMatch(
        out,
        /[\x00-\x08\x0b-\x1f\x7f-\x9f]/,
        `seed ${SEED} ${what}: a raw control character`,
      );
    }
    const json = await mamori(["logs", file, "--format", "json"]);
    assert.ok(
      json.code === 0 || json.code === 1 || json.code === 2,
      `seed ${SEED}: exit ${json.code}\n${json.stderr}`,
    );
    const doc = JSON.parse(json.stdout) as { sections: { logs: { files: Array<{ lines: number }> } } };
    assert.equal(doc.sections.logs.files[0]?.lines, COUNT, "every line read");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
