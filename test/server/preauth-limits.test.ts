import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as tls from "node:tls";
import { Slots } from "../../src/server/listen.ts";
import { tempDir } from "../helpers/tmp.ts";
import { call, MAMORI, startServerProcess } from "./harness.ts";

/** The server process's peak resident memory in bytes (VmHWM). */
function peakRss(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  assert.ok(m, "VmHWM in /proc/PID/status");
  return Number(m[1]) * 1024;
}

/**
 * POSTs `body` over a raw TLS socket, writing it in pieces while reading: resolves with the status line's
 * code as soon as one arrives (or the error word when the connection ends first), and whether the whole
 * body had been sent by then.
 */
function post(
  port: number,
  ca: Buffer,
  p: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number | string; sentAll: boolean }> {
  return new Promise((resolve) => {
    let sentAll = false;
    let done = false;
    let got = "";
    const sock = tls.connect({ host: "127.0.0.1", port, ca, servername: "127.0.0.1" });
    const finish = (status: number | string) => {
      if (done) return;
      done = true;
      resolve({ status, sentAll });
      sock.destroy();
    };
    sock.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(got);
      if (m) finish(Number(m[1]));
    });
    sock.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? "error"));
    sock.on("close", () => finish("closed"));
    sock.once("secureConnect", () => {
      const head = [
        `POST ${p} HTTP/1.1`,
        "host: 127.0.0.1",
        "content-type: application/json",
        `content-length: ${body.length}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        "",
        "",
      ].join("\r\n");
      sock.write(head);
      const piece = 256 * 1024;
      let at = 0;
      const more = () => {
        while (at < body.length && !done) {
          const chunk = body.subarray(at, at + piece);
          at += chunk.length;
          if (!sock.write(chunk)) return void sock.once("drain", more);
        }
        if (at >= body.length) sentAll = true;
      };
      more();
    });
  });
}

test("unauthenticated 63 MB reports, 20 at once: each 401 before its body is read; the server's memory stays bounded", {
  timeout: 180_000,
}, async (t) => {
  const data = path.join(tempDir(t, "mamori-preauth-"), "data");
  const srv = await startServerProcess(t, ["--data", data]);
  const ca = fs.readFileSync(path.join(data, "tls-cert.pem"));
  const pid = srv.child.pid as number;
  // Warm up (one small request), then the baseline.
  assert.equal((await call(srv.port, data, "GET", "/api/v1/hosts")).status, 401);
  const before = peakRss(pid);
  const body = Buffer.alloc(63 * 1024 * 1024, 0x20);
  const target = `/api/v1/hosts/${"0".repeat(32)}/reports`;
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      post(srv.port, ca, target, body, i % 2 ? { authorization: `Bearer mmh_${"x".repeat(40)}` } : {}),
    ),
  );
  const after = peakRss(pid);
  assert.ok(
    after - before < 200 * 1024 * 1024,
    `peak RSS grew by ${Math.round((after - before) / 1048576)} MB (${Math.round(before / 1048576)} → ${Math.round(after / 1048576)} MB)`,
  );
  // Each answered 401 from its headers alone, before the client had sent its whole body.
  for (const a of answers) {
    assert.equal(a.status, 401, JSON.stringify(answers));
    assert.equal(a.sentAll, false, JSON.stringify(answers));
  }
  // The server is still there and answers.
  assert.equal((await call(srv.port, data, "GET", "/api/v1/hosts")).status, 401);
});

test("login: 20 wrong passwords at once for one user are at most 5 judged, the rest refused as limited; then the right one is refused too", {
  timeout: 120_000,
}, async (t) => {
  const data = path.join(tempDir(t, "mamori-login-race-"), "data");
  const srv = await startServerProcess(t, ["--data", data]);
  const PASSWORD = "correct horse battery staple";
  const add = spawnSync(MAMORI, ["server", "user", "add", "victim", "--role", "admin", "--data", data], {
    input: `${PASSWORD}\n`,
    encoding: "utf8",
  });
  assert.equal(add.status, 0, add.stderr);
  // One CSRF token (cookie and field), as a script would reuse it.
  const form = await call(srv.port, data, "GET", "/login");
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? "";
  const cookie = String(
    (form.headers["set-cookie"] as string[]).find((c) => c.startsWith("__Host-mamori_login=")),
  ).split(";")[0] as string;
  assert.ok(csrf && cookie);
  const attempt = (password: string) =>
    call(srv.port, data, "POST", "/login", {
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, user: "victim", password }).toString(),
    });
  const wrong = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(`wrong-${i}`)));
  const statuses = wrong.map((r) => r.status);
  const judged = statuses.filter((s) => s === 401).length;
  assert.ok(judged >= 1 && judged <= 5, `judged ${judged}: ${statuses.join(",")}`);
  assert.equal(statuses.filter((s) => s === 429).length, 20 - judged, statuses.join(","));
  const right = await attempt(PASSWORD);
  assert.equal(right.status, 429);
  assert.match(right.text, /Too many|too many|limit/i);
});

test("large-body slots: at most the size held at once, the rest wait in turn up to a bound, then are refused", async () => {
  const slots = new Slots(2, 1);
  assert.equal(await slots.acquire(), true);
  assert.equal(await slots.acquire(), true);
  let third: boolean | undefined;
  const waiting = slots.acquire().then((v) => (third = v));
  assert.equal(await slots.acquire(), false); // the queue (1) is full
  await new Promise((r) => setImmediate(r));
  assert.equal(third, undefined);
  slots.release();
  await waiting;
  assert.equal(third, true);
  slots.release();
  slots.release();
  assert.equal(await slots.acquire(), true);
});
