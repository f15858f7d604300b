/**
 * ../shared/corpus/payloads.jsonl: request payloads from exploit templates and honeypots, placed where
 * a server logs them (request line, referer, user agent, a logged header) and run through the rules.
 * Bodies, free log strings and fragments are not in access logs and are left out.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { compileFormat, parseAccessLine } from "../../src/collect/logs/engine/format.ts";
import { matchEntry } from "../../src/collect/logs/engine/match.ts";
import { loadRules } from "../../src/rules/logs.ts";

const FILE = new URL("../../../shared/corpus/payloads.jsonl", import.meta.url).pathname;
const FMT = compileFormat(
  '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Api-Version}i" "%{Cookie}i"',
);
const q = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

test("payloads: every request-line and header payload of an attack is found where the server logs it", {
  skip: !existsSync(FILE) && "corpus not present",
}, () => {
  const rules = loadRules();
  const missed: string[] = [];
  let n = 0;
  for (const l of readFileSync(FILE, "utf8").split("\n").filter(Boolean)) {
    const r = JSON.parse(l) as { payload: string; label: string; field: string };
    const h = { ref: "-", ua: "-", api: "-", cookie: "-" };
    let req = "GET / HTTP/1.1";
    if (r.field === "request-line") req = `${r.payload} HTTP/1.1`;
    else if (r.field === "request-uri") req = `GET ${r.payload} HTTP/1.1`;
    else if (r.field === "header:referer") h.ref = r.payload;
    else if (r.field === "header:user-agent") h.ua = r.payload;
    else if (r.field === "header:x-api-version") h.api = r.payload;
    else if (r.field === "header:cookie") h.cookie = r.payload;
    else continue;
    const line = `203.0.113.1 - - [12/Mar/2024:03:14:07 +0000] "${q(req)}" 404 1 "${q(h.ref)}" "${q(h.ua)}" "${q(h.api)}" "${q(h.cookie)}"`;
    const e = parseAccessLine(FMT, line, 1);
    assert.ok(e, line);
    const got = matchEntry(rules, e)?.id;
    if (r.label === "benign") {
      if (got && !got.startsWith("recon-")) missed.push(`benign flagged ${got}: ${r.payload.slice(0, 100)}`);
      continue;
    }
    n++;
    if (!got) missed.push(`${r.label} ${r.field}: ${r.payload.slice(0, 100)}`);
  }
  console.log(`payloads: ${n - missed.length}/${n} found\n${missed.join("\n")}`);
  assert.deepEqual(missed, []);
});
