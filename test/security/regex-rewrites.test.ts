/**
 * Each regex rewritten for linear time (issue 10, hole 6) gives what the quadratic one gave, on random
 * strings made of the tokens that steer it (the old regexes run on short strings only).
 */
import assert from "node:assert/strict";
import { test } from "node:test";

function* strings(tokens: string[], n: number, prefix = ""): Generator<string> {
  let seed = 11;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  for (let i = 0; i < n; i++) {
    let s = prefix;
    for (let len = rnd() % 10; len > 0; len--) s += tokens[rnd() % tokens.length];
    yield s;
  }
}

const WS = [" ", "\t", "\n", "\r", "\u2028"];
const same = (old: RegExp, now: RegExp, s: string) =>
  assert.deepEqual(now.exec(s)?.slice(), old.exec(s)?.slice(), `${now} on ${JSON.stringify(s)}`);

test("firewall: ufw tuples, ENABLED, nft verdicts and includes", () => {
  const tuple = [
    /^### tuple ### (allow|deny|reject|limit)(?:_\w+)? (tcp|udp|any) (\S+) (\S+) (\S+) (\S+)(.*)$/,
    /^### tuple ### (allow|deny|reject|limit)(?:_\w+)? (tcp|udp|any) (\S+) (\S+) (\S+) (\S+)((?:[^\S\n\r\u2028\u2029].*)?)$/,
  ] as const;
  for (const s of strings(["a", "1", ...WS, "in", "x"], 5000, "### tuple ### allow tcp a b c"))
    same(...tuple, s);
  const enabled = [/^\s*ENABLED\s*=\s*"?yes"?\s*$/im, /^[^\S\n\r\u2028\u2029]*ENABLED\s*=\s*"?yes"?\s*$/im];
  for (const s of strings(["ENABLED", "=", '"', "yes", "x", ...WS], 20_000))
    assert.equal(enabled[1]?.test(s), enabled[0]?.test(s), JSON.stringify(s));
  for (const s of strings(["accept", "drop", ";", " ", "\t", "x", "\r"], 5000))
    same(/\b(accept|drop|reject)\s*;?\s*$/, /\b(accept|drop|reject)\s*(?:;\s*)?$/, s);
  for (const s of strings(["include", '"a"', '"', "x", ...WS], 20_000))
    assert.deepEqual(
      [...s.matchAll(/^[^\S\n\r\u2028\u2029]*include\s+"([^"]+)"/gm)].map((m) => m[1]),
      [...s.matchAll(/^\s*include\s+"([^"]+)"/gm)].map((m) => m[1]),
      JSON.stringify(s),
    );
});

test("handlers: section openers; listeners: the unit of a cgroup line", () => {
  for (const s of strings(["a", ">", " ", "\t", "x y", "<"], 5000, "<Files"))
    same(
      /^<(Location|LocationMatch|Directory|DirectoryMatch|Files|FilesMatch|VirtualHost|If\w*|RequireAny|RequireAll)\b\s*([^>]*)>/i,
      /^<(Location|LocationMatch|Directory|DirectoryMatch|Files|FilesMatch|VirtualHost|If\w*|RequireAny|RequireAll)\b\s*((?:[^>\s][^>]*)?)>/i,
      s,
    );
  const old = /\/system\.slice\/(?:.*\/)?([A-Za-z0-9@_.:\\-]+\.(?:service|socket))(?:\/|$)/;
  const now =
    /(?:^|[\n\r\u2028\u2029])(?=([^\n\r\u2028\u2029]*?\/system\.slice\/))\1(?:.*\/)?([A-Za-z0-9@_.:\\-]+\.(?:service|socket))(?:\/|$)/;
  for (const s of strings(["/system.slice/", "a.service", "b.socket", "/", "x", " ", "\r", "\n"], 20_000))
    assert.equal(now.exec(s)?.[2], old.exec(s)?.[1], JSON.stringify(s));
});

test("probe: Server header and error-page signature", () => {
  for (const s of strings(["Apache", "/", "2", ".", "4", " ", "\n", "(x)", "-"], 20_000))
    same(
      /^\s*([A-Za-z][\w.-]*)(?:\/(\d+(?:\.\d+)*))?(.*)$/,
      /^\s*([A-Za-z](?=.*$)[\w.-]*)(?:\/(\d+(?:\.\d+)*))?(.*)$/,
      s,
    );
  const old = /<address>\s*([^<]{1,200}?)\s+Server at\s+[^<]{0,200}<\/address>/i;
  const now = /<address>\s*([^<\s](?:[^<]{0,198}?[^<\s])?)\s+Server at\s+(?:[^<\s][^<]{0,199})?<\/address>/i;
  const tokens = ["Apache/2.4.1", " ", "\t", "Server at", "x", "</address>", "<address>", "y".repeat(90)];
  for (const s of strings(tokens, 20_000)) {
    const o = old.exec(s);
    // The old form could also match with a blank signature (white space only), which gives no banner.
    if (o?.[1]?.trim() === "") continue;
    assert.deepEqual(now.exec(s)?.slice(0, 2), o?.slice(0, 2), JSON.stringify(s));
  }
});

test("globs: first-place pieces give what one backtracking regex gave", async () => {
  const { globToRegExp } = await import("../../src/collect/rootfs.ts");
  // The former globToRegExp: each `*` as `[^/]*`.
  const old = (glob: string): RegExp => {
    let re = "";
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i] as string;
      if (c === "*") re += "[^/]*";
      else if (c === "?") re += "[^/]";
      else if (c === "[") {
        const end = glob.indexOf("]", i + 1);
        if (end < 0) re += "\\[";
        else {
          let cls = glob.slice(i + 1, end);
          if (cls.startsWith("!")) cls = `^${cls.slice(1)}`;
          re += `[${cls.replace(/\\/g, "\\\\")}]`;
          i = end;
        }
      } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
    }
    return new RegExp(`^${re}$`);
  };
  const globs = [...strings(["*", "a", "b", "?", "[ab]", "[!a]", ".", "ab"], 3000)];
  const names = [...strings(["a", "b", "c", ".", "ab", "ba"], 300)];
  for (const g of globs) {
    const [o, n] = [old(g), globToRegExp(g)];
    for (const s of names) assert.equal(n.test(s), o.test(s), `${JSON.stringify(g)} on ${JSON.stringify(s)}`);
  }
});

test("bind directives: a value after white space gives what `\\s*(.*)$` gave", async () => {
  const { directiveRegex } = await import("../../src/collect/exposure/bind-config.ts");
  const olds = {
    keyword: /^bind\s+(.*)$/i,
    assign: /^bind\s*=\s*(.*)$/i,
    yaml: /^bind\s*:\s*(.*)$/,
    flag: /^bind(?:\s+|=)(\S.*)$/,
    json: /^"bind"\s*:\s*(.*)$/,
  } as const;
  for (const [syntax, old] of Object.entries(olds)) {
    const now = directiveRegex({ directive: "bind", syntax: syntax as keyof typeof olds });
    for (const s of strings(["=", ":", "x", "1.2", ...WS], 5000, syntax === "json" ? '"bind"' : "bind"))
      same(old, now, s.trim());
  }
});
