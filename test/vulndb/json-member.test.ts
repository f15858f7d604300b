import assert from "node:assert/strict";
import { test } from "node:test";
import { extractTopLevelMember } from "../../src/vulndb/sources/json-member.ts";

test("the top-level member is cut out exactly, whatever its strings contain", () => {
  const doc = {
    aaa: { apache2: { nested: "not this one" }, s: 'a } ] { [ " \\ tricky' },
    list: [1, { apache2: "no" }, "apache2"],
    apache2: {
      "CVE-2021-41773": { releases: { bullseye: { status: "resolved", fixed_version: "0" } } },
      q: '}"',
    },
    zzz: { after: ["x"] },
  };
  const text = JSON.stringify(doc, null, 2);
  const r = extractTopLevelMember(text, "apache2");
  assert.ok(r.ok);
  assert.deepEqual(JSON.parse(r.value as string), doc.apache2);
  assert.deepEqual(extractTopLevelMember(JSON.stringify({ other: {} }), "apache2"), {
    ok: true,
    value: undefined,
  });
});

test("a string value equal to the key name is not mistaken for the key", () => {
  const r = extractTopLevelMember('{"x": "apache2", "apache2": {"a": 1}}', "apache2");
  assert.ok(r.ok);
  assert.equal(r.value, '{"a": 1}');
});

test("truncated or broken text is rejected even when the member came through whole", () => {
  const full = JSON.stringify({ apache2: { a: 1 }, zlib: { b: [1, 2, 3] } });
  for (const cut of [full.length - 1, full.length - 5, 20]) {
    const r = extractTopLevelMember(full.slice(0, cut), "apache2");
    assert.equal(r.ok, false, `cut at ${cut}`);
  }
  assert.equal(extractTopLevelMember(`${full} {}`, "apache2").ok, false, "data after the end");
  assert.equal(extractTopLevelMember('{"apache2": {"a": [1}}', "apache2").ok, false, "unbalanced");
  assert.equal(extractTopLevelMember("[1, 2]", "apache2").ok, false, "not an object");
  assert.equal(extractTopLevelMember('{"a": "open', "apache2").ok, false, "unterminated string");
});

test("the streaming extractor agrees with the string one, however the bytes are cut", async () => {
  const { MemberStream } = await import("../../src/vulndb/sources/json-member-stream.ts");
  const full = JSON.stringify({
    x: "apache2",
    aaa: { apache2: 1 },
    apache2: { é: ['}"\\', { a: 1 }] },
    z: [2],
  });
  const cases = [
    full,
    `\uFEFF ${full}\n`,
    JSON.stringify({ other: {} }),
    full.slice(0, full.length - 1),
    `${full} {}`,
    '{"apache2": {"a": [1}}',
    "[1, 2]",
    '{"a": "open',
    '{"apache2": "text", "apache2": [1]}',
    '{"apache2x": {"a": 1}, "apache": [2]}',
  ];
  for (const text of cases) {
    const want = extractTopLevelMember(text, "apache2");
    const bytes = Buffer.from(text);
    for (const step of [1, 2, 3, 7, bytes.length]) {
      const s = new MemberStream("apache2", 1 << 20);
      for (let i = 0; i < bytes.length; i += step) if (!s.push(bytes.subarray(i, i + step))) break;
      const got = s.end();
      assert.equal(got.ok, want.ok, `${text} by ${step}`);
      if (got.ok && want.ok) assert.equal(got.value, want.value, `${text} by ${step}`);
    }
  }
  const small = new MemberStream("apache2", 10);
  small.push(Buffer.from('{"apache2": {"a": "more than ten bytes"}}'));
  assert.match((small.end() as { error: string }).error, /larger than/);
});
