import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { apacheAvailable, startApache } from "./helpers/apache.ts";

const skip = apacheAvailable() ? false : "Debian apache2 is not installed (scripts/apt-packages.txt)";

async function probeJson(args: string[]) {
  const r = await mamori(["probe", "--rate", "1000", "--format", "json", ...args]);
  const doc = JSON.parse(r.stdout);
  const checks = doc.sections.probe.targets[0].checks as Array<{
    id: string;
    verdict: string;
    confidence: string;
    evidence: Array<{ path: string; status?: number; note?: string }>;
  }>;
  const byId = (id: string) => {
    const c = checks.find((x) => x.id === id);
    assert.ok(c, id);
    return c;
  };
  return { r, doc, byId };
}

test("real Debian apache2 (patched, configured as permissively as the labs): both CVEs not-vulnerable, with the 400s as evidence", {
  skip,
}, async (t) => {
  const a = await startApache(t);
  const { r, byId } = await probeJson([`http://127.0.0.1:${a.port}/`]);
  for (const id of ["cve-2021-41773", "cve-2021-42013"]) {
    const c = byId(id);
    assert.equal(c.verdict, "not-vulnerable", JSON.stringify(c.evidence));
    assert.equal(c.confidence, "likely");
    const traversal = c.evidence.filter((e) => /%2e|%%32%65/.test(e.path));
    assert.ok(traversal.length >= 2);
    assert.ok(traversal.every((e) => e.status === 400));
  }
  // The server logged AH10244 for the raw forms: the bytes arrived unnormalised.
  const log = fs.readFileSync(a.errorLog, "utf8");
  assert.match(log, /AH10244: invalid URI path \(\/icons\/\.%2e\/%2e%2e\//);
  assert.match(log, /AH10244: invalid URI path \(\/icons\/\.%%32%65\//);
  // A distro banner cannot show backported fixes: inconclusive, never "not vulnerable because 2.4.71".
  const banner = byId("banner");
  assert.equal(banner.verdict, "inconclusive");
  assert.ok(banner.evidence.some((e) => /Apache\/2\.4\.\d+ \(Debian\)/.test(e.note ?? "")));
  // Permissive lab config: TRACE answers and /icons/ lists.
  assert.equal(byId("trace").verdict, "vulnerable");
  assert.equal(byId("directory-listing").verdict, "vulnerable");
  assert.equal(byId("server-status").verdict, "not-vulnerable");
  assert.equal(r.code, 1);
  // --confirm-read on a patched server: nothing looked vulnerable, so no file is asked for.
  const confirm = await probeJson([`http://127.0.0.1:${a.port}/`, "--confirm-read"]);
  assert.ok(!JSON.stringify(confirm.doc).includes("common-licenses"));
  assert.doesNotMatch(fs.readFileSync(a.errorLog, "utf8"), /common-licenses/);
});

test("real apache2 with ServerTokens Prod, open status/info, exposed .git and .env: found, secrets redacted", {
  skip,
}, async (t) => {
  const a = await startApache(
    t,
    [
      "ServerTokens Prod",
      "TraceEnable Off",
      "<Location /server-status>\n  SetHandler server-status\n</Location>",
      "<Location /server-info>\n  SetHandler server-info\n</Location>",
      "<Directory /usr/share/apache2/icons>\n  Options -Indexes\n</Directory>",
    ].join("\n"),
  );
  const htdocs = path.join(a.dir, "htdocs");
  fs.mkdirSync(path.join(htdocs, ".git"));
  fs.writeFileSync(path.join(htdocs, ".git/HEAD"), "ref: refs/heads/main\n");
  fs.writeFileSync(
    path.join(htdocs, ".env"),
    "APP_KEY=base64:SuperSecretValue123\nDB_PASSWORD=hunter2-secret\n# comment\n",
  );
  const { r, doc, byId } = await probeJson([`http://127.0.0.1:${a.port}/`]);
  assert.equal(byId("banner").verdict, "inconclusive");
  assert.match(JSON.stringify(byId("banner").evidence), /Server: Apache"/);
  assert.equal(byId("trace").verdict, "not-vulnerable");
  assert.equal(byId("server-status").verdict, "vulnerable");
  assert.equal(byId("server-info").verdict, "vulnerable");
  assert.equal(byId("git-exposed").verdict, "vulnerable");
  const env = byId("env-exposed");
  assert.equal(env.verdict, "vulnerable");
  assert.match(env.evidence[0]?.note ?? "", /APP_KEY=<redacted> DB_PASSWORD=<redacted>/);
  const all = JSON.stringify(doc);
  assert.ok(!all.includes("hunter2") && !all.includes("SuperSecret"), "no secret value in the report");
  assert.equal(byId("cve-2021-41773").verdict, "not-vulnerable");
  assert.equal(r.code, 1);
  const human = await mamori(["probe", "--rate", "1000", `http://127.0.0.1:${a.port}/`]);
  assert.ok(!human.stdout.includes("hunter2"));
  assert.match(human.stdout, /\[VULNERABLE\] Exposed \.env/);
  const ja = await mamori(["probe", "--rate", "1000", "--lang", "ja", `http://127.0.0.1:${a.port}/`]);
  assert.match(ja.stdout, /\[脆弱\] \.env の公開/);
});

/** A reverse proxy that normalises the path (as URL parsers do) before Apache sees it. */
async function startNormalisingProxy(t: { after: (fn: () => Promise<void>) => void }, upstreamPort: number) {
  const server = http.createServer((req, res) => {
    const normalised = new URL(req.url ?? "/", "http://proxy.invalid").pathname;
    const up = http.request(
      {
        host: "127.0.0.1",
        port: upstreamPort,
        path: normalised,
        method: req.method,
        headers: { host: "127.0.0.1" },
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, { server: "nginx" });
        ur.pipe(res);
      },
    );
    up.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

test("a normalising proxy in front of apache: inconclusive, not a false 'patched' or 'vulnerable'", {
  skip,
}, async (t) => {
  const a = await startApache(t);
  const proxy = await startNormalisingProxy(t, a.port);
  const { byId } = await probeJson([`http://127.0.0.1:${proxy}/`]);
  for (const id of ["cve-2021-41773", "cve-2021-42013"]) {
    const c = byId(id);
    assert.equal(c.verdict, "inconclusive", JSON.stringify(c.evidence));
    // The plain ../ control was not rejected: the proxy rewrote it.
    assert.ok(c.evidence.some((e) => e.path.includes("/../../") && e.status !== 400));
  }
  assert.equal(byId("banner").verdict, "inconclusive");
});

test("a server that answers 400 to everything: inconclusive, exit 0", async (t) => {
  const server = http.createServer((_req, res) => {
    res.writeHead(400, { "content-type": "text/plain" });
    res.end("bad request\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const { r, byId } = await probeJson([`http://127.0.0.1:${port}/`]);
  assert.equal(byId("cve-2021-41773").verdict, "inconclusive");
  assert.equal(byId("cve-2021-42013").verdict, "inconclusive");
  assert.equal(r.code, 0);
});
