import assert from "node:assert/strict";
import { test } from "node:test";
import { findHandlerBlocks } from "../../src/collect/exposure/handlers.ts";
import { dictionary, isMessageKey } from "../../src/i18n/index.ts";
import {
  classifyListener,
  loadServiceRules,
  parseListen,
  parseServiceRules,
} from "../../src/rules/exposure/services.ts";

const rules = loadServiceRules();

test("every sample in rules/exposure/services.yaml classifies as it says", () => {
  let n = 0;
  for (const rule of rules) {
    if (rule.handler) {
      assert.ok(rule.handlerSamples.length > 0, `${rule.id} has no samples`);
      for (const s of rule.handlerSamples) {
        const open = findHandlerBlocks(s.config, rule.handler, "/x.conf", rule.id).some((b) => b.open);
        assert.equal(open, s.open, `${rule.id}: ${s.config}`);
        n++;
      }
      continue;
    }
    assert.ok(rule.samples.length > 0, `${rule.id} has no samples`);
    for (const s of rule.samples) {
      const l = parseListen(s.listen);
      const got = classifyListener(rules, l.protocol, l.from, [s.process]);
      if (s.service === null) assert.notEqual(got?.id, rule.id, `${rule.id}: ${s.listen} ${s.process}`);
      else assert.equal(got?.id, s.service, `${rule.id}: ${s.listen} ${s.process}`);
      n++;
    }
  }
  assert.ok(n >= 25);
});

test("the services the task names are all covered", () => {
  const ids = new Set(rules.map((r) => r.id));
  for (const id of [
    "redis",
    "docker-api",
    "memcached",
    "mongodb",
    "elasticsearch",
    "mysql",
    "postgresql",
    "telnet",
    "ftp",
    "rpcbind",
    "smb",
    "x11",
    "admin-panel",
  ])
    assert.ok(ids.has(id), id);
  const bind = (id: string) =>
    rules
      .find((r) => r.id === id)
      ?.bind.map((b) => `${b.files.join(",")} ${b.directive}`)
      .join(" ");
  assert.match(bind("redis") ?? "", /\/etc\/redis\/redis\.conf.* bind/);
  assert.match(bind("mysql") ?? "", /mariadb\.conf\.d.* bind-address/);
  assert.match(bind("postgresql") ?? "", /postgresql\.conf listen_addresses/);
  assert.match(bind("memcached") ?? "", /\/etc\/memcached\.conf -l/);
});

test("every `why` names a sentence in the dictionary, in English and Japanese", () => {
  for (const r of rules) {
    assert.ok(isMessageKey(r.why), `${r.id}: ${r.why}`);
    const m = dictionary[r.why as keyof typeof dictionary];
    assert.ok(m.en.length > 20 && m.ja.length > 10, r.why);
  }
});

test("every exposure sentence exists in both languages and uses the same placeholders", () => {
  for (const [key, m] of Object.entries(dictionary)) {
    if (!key.startsWith("exposure.")) continue;
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
    assert.deepEqual(ph(m.ja), ph(m.en), key);
    assert.ok(m.ja.trim() && m.en.trim(), key);
  }
});

test("a broken rules file names the entry and the field", () => {
  assert.throws(
    () => parseServiceRules("services:\n  - id: x\n    name: X\n    risk: huge\n    why: a\n"),
    /x\.risk/,
  );
  assert.throws(
    () =>
      parseServiceRules(
        "services:\n  - id: x\n    name: X\n    risk: high\n    why: a\n    listen: [tcp/99999]\n",
      ),
    /port range/,
  );
  assert.throws(() => parseServiceRules("nothing: here\n"), /services/);
});
