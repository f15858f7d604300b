import assert from "node:assert/strict";
import { test } from "node:test";
import { isMessageKey } from "../../src/i18n/index.ts";
import { addList, domainHit, emptyList, emptySet, parseIocText } from "../../src/iocs/list.ts";
import { familyOf, loadHuntRules } from "../../src/rules/hunt.ts";

const rules = loadHuntRules();

test("every process and persistence rule matches its positive samples and none of its negative ones", () => {
  for (const r of [...rules.process, ...rules.persistence]) {
    assert.ok(
      r.samples.match.length > 0 && r.samples.nomatch.length > 0,
      `${r.id} needs both kinds of samples`,
    );
    for (const s of r.samples.match) assert.ok(r.re.test(s), `${r.id} should match: ${s}`);
    for (const s of r.samples.nomatch) assert.ok(!r.re.test(s), `${r.id} should not match: ${s}`);
  }
});

test("family indicators and the benign memfd list run their samples", () => {
  for (const f of rules.families) {
    for (const s of f.samples.match) assert.equal(familyOf([f], s)?.id, f.id, `${f.id} should match ${s}`);
    for (const s of f.samples.nomatch)
      assert.equal(familyOf([f], s), undefined, `${f.id} should not match ${s}`);
  }
  for (const s of rules.benign.memfdSamples.match) assert.ok(rules.benign.memfd.test(s), s);
  for (const s of rules.benign.memfdSamples.nomatch) assert.ok(!rules.benign.memfd.test(s), s);
});

test("every signal a rule raises has an English and Japanese label", () => {
  const signals = new Set([...rules.process, ...rules.persistence].map((r) => r.signal));
  for (const s of signals) assert.ok(isMessageKey(`hunt.signal.${s}`), `missing hunt.signal.${s}`);
});

test("IOC lists parse maltrail trails and plain lists; domains match by parent", () => {
  const l = emptyList("t", "test", "2026-01-01");
  const { skipped } = parseIocText(
    [
      "# Reference: https://www.virustotal.com/gui/file/22e4a57ac560ebe1eff8957906589f4dd5934ee555ebcc0f7ba613b07fad2c13/detection",
      "http://45.10.88.102/unk.sh",
      "176.31.105.53:3333",
      "pool.minexmr.example",
      "SHA256:wXr16btB8MxWbyvrIXbQS/pwsRn24dHfYvzAj4KZHXE",
      "not a thing at all !!",
      "",
    ].join("\n"),
    l,
  );
  assert.deepEqual(l.ips, ["45.10.88.102", "176.31.105.53"]);
  assert.deepEqual(l.ipPorts, ["176.31.105.53:3333"]);
  assert.deepEqual(l.domains, ["pool.minexmr.example"]);
  assert.equal(l.sha256[0], "22e4a57ac560ebe1eff8957906589f4dd5934ee555ebcc0f7ba613b07fad2c13");
  assert.equal(l.sshKeys.length, 1);
  assert.equal(skipped, 1);
  const set = emptySet();
  addList(set, l, "x");
  assert.equal(domainHit(set, "eu.pool.minexmr.example")?.domain, "pool.minexmr.example");
  assert.equal(domainHit(set, "minexmr.example"), undefined);
});
