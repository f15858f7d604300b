import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { download } from "../../src/vulndb/download.ts";
import { SourceError } from "../../src/vulndb/sources/common.ts";

async function server(
  t: { after: (fn: () => Promise<void>) => void },
  handler: http.RequestListener,
): Promise<string> {
  const s = http.createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
}

const limits = { timeoutMs: 5000, maxBytes: 1000 };

test("a body within the limit arrives whole", async (t) => {
  const url = await server(t, (_req, res) => res.end("x".repeat(1000)));
  assert.equal((await download("feed", url, limits)).length, 1000);
});

test("a declared size over the cap is refused before reading", async (t) => {
  const url = await server(t, (_req, res) => {
    res.writeHead(200, { "content-length": 5000 });
    res.end("y".repeat(5000));
  });
  await assert.rejects(download("feed", url, limits), (err: unknown) => {
    assert.ok(err instanceof SourceError);
    assert.equal(err.source, "feed");
    assert.match(err.message, /larger than/);
    return true;
  });
});

test("an undeclared (chunked) body that grows past the cap is cut off", async (t) => {
  const url = await server(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    for (let i = 0; i < 20; i++) res.write("z".repeat(100));
    res.end();
  });
  await assert.rejects(download("feed", url, limits), /larger than/);
});

test("a redirect within the same origin is followed; to another origin it is refused; a refused connection names the source", async (t) => {
  const same = await server(t, (req, res) =>
    req.url === "/moved" ? res.end("ok") : res.writeHead(301, { location: "/moved" }).end(),
  );
  assert.equal((await download("feed", same, limits)).toString(), "ok");
  const target = await server(t, (_req, res) => res.end("ok"));
  const url = await server(t, (_req, res) => res.writeHead(302, { location: target }).end());
  await assert.rejects(
    download("feed", url, limits),
    /redirected to another host \(http:\/\/127\.0\.0\.1:\d+\)/,
  );
  const loop = await server(t, (_req, res) => res.writeHead(302, { location: "/again" }).end());
  await assert.rejects(download("feed", loop, limits), /more than 5 redirects/);
  // A port the OS just handed out and that is closed again: nothing listens there.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await assert.rejects(download("feed", `http://127.0.0.1:${port}/nothing`, limits), SourceError);
});
