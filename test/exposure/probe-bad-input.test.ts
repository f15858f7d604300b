import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as net from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";
import { tempDir } from "../helpers/tmp.ts";

type After = { after: (fn: () => Promise<void> | void) => void };

async function listen(t: After, server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(
    () =>
      new Promise<void>((r) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function okServer(t: After, handler?: http.RequestListener) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (handler) return handler(req, res);
    res.writeHead(req.url?.includes("..") || req.url?.includes("%") ? 400 : 404, { Server: "Apache" });
    res.end("x");
  });
  return listen(t, server).then((port) => ({ port, requests }));
}

async function probe(args: string[]) {
  const started = Date.now();
  const r = await mamori(["probe", "--rate", "1000", "--format", "json", ...args]);
  return { ...r, ms: Date.now() - started, doc: r.stdout ? JSON.parse(r.stdout).sections.probe : undefined };
}

test("an unreachable host (closed port) is a per-target error; the other targets go on", async (t) => {
  const closed = await freePort();
  const good = await okServer(t);
  const r = await probe([`http://127.0.0.1:${closed}/`, `http://127.0.0.1:${good.port}/`]);
  // A target not probed is an unanswered question (issue 18): exit 3, never the 0 of a clean result.
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.doc.targets[0].error, /could not connect: ECONNREFUSED/);
  assert.deepEqual(r.doc.targets[0].checks, []);
  assert.equal(r.doc.targets[1].error, undefined);
  assert.ok(r.doc.targets[1].checks.length >= 8);
});

test("an unreachable target's HTML and Markdown reports say 'Not fully checked', never 'Safe'", async () => {
  const closed = await freePort();
  for (const format of ["html", "markdown"]) {
    const r = await mamori(["probe", "--rate", "1000", "--format", format, `http://127.0.0.1:${closed}/`]);
    assert.equal(r.code, 3, r.stderr);
    assert.doesNotMatch(r.stdout, /Safe: no problem found/, format);
    if (format === "html") assert.match(r.stdout, /Not fully checked: 1 target could not be probed/);
    else assert.match(r.stdout, /1 target with an error/);
  }
});

test("a server that never answers: timeout per target, bounded time", async (t) => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => sockets.push(s));
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  const port = await listen(t, silent);
  const r = await probe([`http://127.0.0.1:${port}/`, "--timeout", "0.3"]);
  assert.equal(r.code, 3);
  assert.match(r.doc.targets[0].error, /timeout/);
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
});

test("an endless response is cut at --max-bytes; memory and time stay bounded", async (t) => {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    if (req.url !== "/") {
      res.end("no");
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const pump = () => {
      while (res.write(chunk)) {
        /* keep writing until the socket pushes back */
      }
    };
    res.on("drain", pump);
    res.on("error", () => undefined);
    pump();
  });
  const port = await listen(t, server);
  const r = await probe([`http://127.0.0.1:${port}/`, "--max-bytes", "100000", "--timeout", "5"]);
  assert.equal(r.doc.targets[0].error, undefined);
  const first = r.doc.targets[0].checks[0].evidence[0];
  assert.equal(first.bytes, 100000);
  assert.match(first.note, /truncated/);
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
});

test("a slow body (headers, then nothing) times out without hanging", async (t) => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("partial");
  });
  const port = await listen(t, server);
  const r = await probe([`http://127.0.0.1:${port}/`, "--timeout", "0.2"]);
  assert.equal(r.doc.targets[0].error, undefined);
  const first = r.doc.targets[0].checks[0].evidence[0];
  assert.equal(first.status, 200);
  assert.match(first.note, /timeout/);
  assert.ok(r.ms < 10000, `took ${r.ms} ms`);
});

test("a server that answers once and then goes silent: the target is given up after two timeouts", async (t) => {
  let n = 0;
  const held: http.ServerResponse[] = [];
  const srv = await okServer(t, (_req, res) => {
    if (n++ === 0) {
      res.writeHead(200, { Server: "Apache" });
      res.end("hello");
    } else held.push(res);
  });
  t.after(() => {
    for (const r of held) r.destroy();
  });
  const r = await probe([`http://127.0.0.1:${srv.port}/`, "--timeout", "0.3"]);
  assert.match(r.doc.targets[0].error, /stopped: 2 requests in a row got no answer/);
  assert.equal(srv.requests.length, 3, "nothing sent after giving up");
  assert.ok(
    r.doc.targets[0].checks.every((c: { verdict: string; id: string }) => c.verdict !== "vulnerable"),
  );
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
});

test("huge response headers: a clear per-target error, not a crash", async (t) => {
  const server = net.createServer((sock) => {
    sock.once("data", () => {
      sock.write(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(200000)}\r\n\r\n`);
      sock.end();
    });
    sock.on("error", () => undefined);
  });
  const port = await listen(t, server);
  const r = await probe([`http://127.0.0.1:${port}/`]);
  assert.match(r.doc.targets[0].error, /not valid HTTP \(HPE_HEADER_OVERFLOW\)/);
});

test("invalid URLs and a targets file with garbage lines: per-target errors, nothing sent for them", async (t) => {
  const good = await okServer(t);
  const dir = tempDir(t);
  const file = path.join(dir, "targets.txt");
  fs.writeFileSync(
    file,
    [
      "# my servers",
      "",
      `http://127.0.0.1:${good.port}/   # comment after`,
      "ftp://127.0.0.1/",
      "not a url at all",
      "http://",
      "\u0000\u0001garbage",
      "javascript:alert(1)",
      `127.0.0.1:${good.port}`,
    ].join("\n"),
  );
  const r = await probe(["--targets", file, "http://[::1"]);
  assert.equal(r.code, 3, r.stderr);
  const byUrl = r.doc.targets.map((x: { url: string; error?: string }) => [x.url, x.error]);
  assert.equal(byUrl.length, 8);
  assert.match(byUrl[0][1], /not a valid http\(s\) URL/); // http://[::1 (from the arguments, first)
  assert.equal(byUrl[1][1], undefined);
  assert.match(byUrl[2][1], /only http:\/\/ and https:\/\//);
  assert.match(byUrl[3][1], /not a valid/);
  assert.match(byUrl[4][1], /not a valid/);
  assert.match(byUrl[5][1], /not a valid/);
  assert.match(byUrl[6][1], /not a valid|only http/);
  assert.equal(byUrl[7][1], undefined, "a bare host:port means http");
  const human = await mamori(["probe", "--rate", "1000", "--targets", file]);
  assert.doesNotMatch(human.stdout, /[\u0000\u0001]/, "garbage is escaped in the terminal");
});

test("usage errors exit 2: no targets, unreadable targets file, bad option values", async () => {
  assert.equal((await mamori(["probe"])).code, 2);
  const missing = await mamori(["probe", "--targets", "/nonexistent/targets.txt"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read --targets .*ENOENT/);
  for (const args of [
    ["--timeout", "abc"],
    ["--rate", "0"],
    ["--format", "yaml"],
    ["--path", "no-slash"],
    ["--read-file", "relative/path"],
  ]) {
    const r = await mamori(["probe", "http://127.0.0.1:9/", ...args]);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
});

test("--help says the probe is for servers you own", async () => {
  const r = await mamori(["probe", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout.replace(/\s+/g, " "), /servers you own/);
  assert.match(r.stdout, /--confirm-read/);
  assert.match(r.stdout, /--insecure/);
});

function selfSigned(dir: string): { key: string; cert: string } | undefined {
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        `${dir}/k.pem`,
        "-out",
        `${dir}/c.pem`,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return { key: fs.readFileSync(`${dir}/k.pem`, "utf8"), cert: fs.readFileSync(`${dir}/c.pem`, "utf8") };
  } catch {
    return undefined;
  }
}

test("TLS: a self-signed certificate is an error without --insecure and is probed with it", async (t) => {
  const pair = selfSigned(tempDir(t));
  if (!pair) return t.skip("openssl not available");
  const server = https.createServer(pair, (req, res) => {
    res.writeHead(req.url?.includes("%") || req.url?.includes("..") ? 400 : 404, { Server: "Apache" });
    res.end("x");
  });
  const port = await listen(t, server);
  const strict = await probe([`https://127.0.0.1:${port}/`]);
  assert.match(strict.doc.targets[0].error, /TLS error .*(SELF_SIGNED|CERT)/);
  assert.match(strict.doc.targets[0].error, /--insecure/);
  const loose = await probe([`https://127.0.0.1:${port}/`, "--insecure"]);
  assert.equal(loose.doc.targets[0].error, undefined);
  assert.ok(loose.doc.targets[0].checks.length > 0);
  const plainToTls = await probe([`http://127.0.0.1:${port}/`, "--timeout", "2"]);
  assert.ok(plainToTls.doc.targets[0].error || plainToTls.doc.targets[0].checks.length > 0);
});

test("redirects: followed on the same host (bounded), never to another host unless asked", async (t) => {
  const loop = await okServer(t, (req, res) => {
    if (req.url === "/") res.writeHead(302, { Location: "/app/" });
    else if (req.url === "/app/") res.writeHead(301, { Location: "http://other-host.invalid/steal" });
    else if (req.url === "/loop") res.writeHead(302, { Location: "/loop" });
    else res.writeHead(404);
    res.end();
  });
  const r = await probe([`http://127.0.0.1:${loop.port}/`]);
  const ev = r.doc.targets[0].checks[0].evidence;
  assert.deepEqual(
    ev.slice(0, 2).map((e: { path: string }) => e.path),
    ["/", "/app/"],
  );
  assert.match(JSON.stringify(ev), /another host not followed/);
  assert.equal(r.doc.targets[0].finalUrl, `http://127.0.0.1:${loop.port}/app/`, "where the redirect led");
  assert.ok(!loop.requests.some((x) => x.includes("steal")));
  // A URL sent as typed but encoded (`<` as %3C) is no redirect: no "ended at".
  const typed = await probe([`http://127.0.0.1:${loop.port}/<script>`]);
  assert.equal(typed.doc.targets[0].finalUrl, undefined);
  const looping = await probe([`http://127.0.0.1:${loop.port}/loop`, "--max-redirects", "3"]);
  assert.equal(loop.requests.filter((x) => x === "GET /loop").length, 4);
  assert.equal(looping.doc.targets[0].error, undefined);
});

test("many targets: bounded concurrency keeps input order; the per-host rate limit spaces requests", async (t) => {
  const times: number[] = [];
  const handler: http.RequestListener = (req, res) => {
    times.push(Date.now());
    res.writeHead(req.url?.includes("%") || req.url?.includes("..") ? 400 : 404, { Server: "Apache" });
    res.end();
  };
  // Four servers on one host (different ports): the limit is per host, so they share it.
  const servers = await Promise.all([
    okServer(t, handler),
    okServer(t, handler),
    okServer(t, handler),
    okServer(t, handler),
  ]);
  const urls = servers.map((s) => `http://127.0.0.1:${s.port}/`);
  const r = await mamori(["probe", "--format", "json", "--rate", "20", "--concurrency", "2", ...urls]);
  const doc = JSON.parse(r.stdout).sections.probe;
  assert.deepEqual(
    doc.targets.map((x: { url: string }) => x.url),
    urls,
  );
  times.sort((a, b) => a - b);
  // 20 requests per second to the one host: n requests take at least (n - 1) / 20 s, whatever the jitter.
  const span = (times.at(-1) as number) - (times[0] as number);
  assert.ok(times.length > 40);
  assert.ok(span >= (times.length - 1) * 50 * 0.9, `${times.length} requests in ${span} ms`);
});
