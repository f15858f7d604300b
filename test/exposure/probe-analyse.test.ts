import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import * as net from "node:net";
import { test } from "node:test";
import {
  bannerVerdict,
  envKeys,
  looksLikeGitHead,
  parseErrorSignature,
  parseServerHeader,
  readPrefix,
  traversalPath,
  traversalVerdict,
} from "../../src/probe/analyse.ts";
import { parseTarget, parseTargetsFile } from "../../src/probe/targets.ts";
import { mamori } from "../helpers/cli.ts";
import { startEmulation } from "./helpers/emulation.ts";

test("banner: a distro build or ServerTokens Prod is never called patched or vulnerable from the version", () => {
  assert.equal(bannerVerdict(parseServerHeader("Apache/2.4.49 (Unix)")).verdict, "vulnerable");
  assert.equal(bannerVerdict(parseServerHeader("Apache/2.4.49 (Unix)")).confidence, "possible");
  assert.equal(bannerVerdict(parseServerHeader("Apache/2.4.38 (Debian)")).reason, "distro");
  assert.equal(bannerVerdict(parseServerHeader("Apache")).reason, "no-version");
  assert.equal(bannerVerdict(parseServerHeader("nginx/1.24.0")).reason, "not-apache");
  assert.equal(
    bannerVerdict(parseServerHeader("Apache/2.4.62 (Unix) OpenSSL/3.0")).verdict,
    "not-vulnerable",
  );
  const sig = parseErrorSignature(
    "<hr>\n<address>Apache/2.4.50 (Ubuntu) Server at www.example.org Port 443</address>",
  );
  assert.equal(sig?.version, "2.4.50");
  assert.equal(sig?.distro, "Ubuntu");
  assert.equal(sig?.source, "error-page");
});

test("traversal paths are built raw, with the requested depth", () => {
  assert.equal(traversalPath("/icons/", "single", 3, "etc/x"), "/icons/.%2e/%2e%2e/%2e%2e/etc/x");
  assert.equal(traversalPath("/cgi-bin", "double", 2, "/etc/x"), "/cgi-bin/.%%32%65/.%%32%65/etc/x");
  assert.equal(traversalPath("/static/", "literal", 2, "etc/x"), "/static/../../etc/x");
});

test("traversal verdict: 400 = fixed parser; 403/404 past a rejected control = vulnerable; no usable prefix = inconclusive", () => {
  const patched = { prefix: "/icons/", baseline: 404, control: 400, single: 400, double: 400 };
  const v49 = { prefix: "/icons/", baseline: 404, control: 400, single: 404, double: 404 };
  const proxy = { prefix: "/icons/", baseline: 404, control: 404, single: 404, double: 400 };
  const all400 = { prefix: "/icons/", baseline: 400, control: 400, single: 400, double: 400 };
  assert.equal(readPrefix(patched, "single"), "rejected");
  assert.equal(traversalVerdict([patched], "single", true).verdict, "not-vulnerable");
  assert.equal(traversalVerdict([v49], "single", true).confidence, "likely");
  assert.equal(traversalVerdict([v49], "single", false).confidence, "possible");
  assert.equal(traversalVerdict([patched, v49], "double", true).via, "/icons/");
  assert.equal(traversalVerdict([proxy], "double", true).verdict, "inconclusive");
  assert.equal(traversalVerdict([all400], "single", true).verdict, "inconclusive");
  assert.equal(traversalVerdict([{ ...patched, single: 302 }], "single", true).verdict, "inconclusive");
});

test(".git/HEAD and .env shapes; .env values are never returned", () => {
  assert.ok(looksLikeGitHead("ref: refs/heads/main\n"));
  assert.ok(looksLikeGitHead(`${"a".repeat(40)}\n`));
  assert.ok(!looksLikeGitHead("<html>ref: refs/heads/main</html>"));
  assert.deepEqual(envKeys('# c\nDB_HOST=x\nexport API_KEY="secret"\n', "text/plain"), [
    "DB_HOST",
    "API_KEY",
  ]);
  assert.equal(envKeys("<html><body>DB=1</body></html>", "text/html"), undefined);
  assert.equal(envKeys("hello world\nthis is prose\nA=1\n", "text/plain"), undefined);
});

test("targets: bare hosts mean http; the path is kept exactly as typed; garbage is an error", () => {
  assert.equal(parseTarget("127.0.0.1:8080").url?.href, "http://127.0.0.1:8080/");
  assert.equal(parseTarget("http://h/a/.%2e/b?x=1").path, "/a/.%2e/b?x=1");
  assert.equal(parseTarget("http://[::1]:81/").endpoint?.hostname, "::1");
  assert.equal(parseTarget("https://h").endpoint?.port, 443);
  assert.equal(parseTarget("gopher://h/").error, "unsupported-scheme");
  assert.equal(parseTarget("a b c").error, "invalid-url");
  assert.deepEqual(parseTargetsFile("# x\n\nhttp://a/  # note\r\nb\n"), ["http://a/", "b"]);
});

test("--path adds a prefix the traversal goes through (emulation 2.4.49)", async (t) => {
  const emu = await startEmulation(t, "2.4.49", "vulhub-like");
  const r = await mamori([
    "probe",
    "--rate",
    "1000",
    "--format",
    "json",
    "--path",
    "/static",
    `http://127.0.0.1:${emu.port}/`,
  ]);
  assert.equal(r.code, 1);
  assert.ok(emu.requests.some((x) => x.startsWith("GET /static/.%2e/%2e%2e/")));
  assert.ok(emu.requests.some((x) => x.startsWith("GET /static/.%%32%65/")));
});

test("server-controlled text is escaped in human and Markdown output and kept raw in JSON", async (t) => {
  // A raw server: the error page signature carries terminal escape sequences.
  const evil = "Apache/2.4.49\u001b[2J\u001b]0;pwned\u0007 (Unix)";
  const server = net.createServer((sock) => {
    sock.once("data", () => {
      const body = `<html><address>${evil} Server at x Port 1</address></html>`;
      sock.end(
        `HTTP/1.1 404 Not Found\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    sock.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const human = await mamori(["probe", "--rate", "1000", url]);
  assert.ok(!human.stdout.includes("\u001b"), "no raw ESC reaches the terminal");
  assert.match(human.stdout, /\\x1b\[2J/);
  const md = await mamori(["probe", "--rate", "1000", "--format", "markdown", url]);
  assert.ok(!md.stdout.includes("\u001b"));
  const json = await mamori(["probe", "--rate", "1000", "--format", "json", url]);
  assert.ok(
    JSON.parse(json.stdout).sections.probe.targets[0].checks[0].evidence.some((e: { note?: string }) =>
      e.note?.includes(evil),
    ),
  );
});

test("an IPv6 loopback target works when the machine has IPv6", async (t) => {
  const server = net.createServer((sock) => {
    sock.once("data", () =>
      sock.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    );
    sock.on("error", () => undefined);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "::1", () => resolve());
    });
  } catch {
    return t.skip("no IPv6 loopback");
  }
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const r = await mamori([
    "probe",
    "--rate",
    "1000",
    "--format",
    "json",
    `http://[::1]:${(server.address() as AddressInfo).port}/`,
  ]);
  const target = JSON.parse(r.stdout).sections.probe.targets[0];
  assert.equal(target.error, undefined);
  assert.equal(target.checks[0].evidence[0].status, 404);
});
