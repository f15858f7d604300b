import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { attackerShell, needsRoot } from "../helpers/unprivileged.ts";

/** A local feed server that answers anything with a small JSON body. */
async function server(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const s = http.createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end("[]"),
  );
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const repo = path.resolve(import.meta.dirname, "../..");
const vulndata = path.join(repo, "../shared/vulndata");

/**
 * `db update --from DIR` as root decides what mamori calls fixed: a feed file the web-server user could
 * plant (a world-writable staging dir, a link to a root file) must be refused, and the old data kept.
 */
test("as root, db update --from a directory the attacker can write refuses their planted feed", async (t) => {
  if (needsRoot()) return t.skip(needsRoot());
  const staging = tempDir(t);
  fs.chmodSync(staging, 0o777);
  for (const [rel, src] of [
    ["apache/vulnerabilities-httpd.json", "httpd-vulnerabilities-consolidated.json"],
    ["kev/known_exploited_vulnerabilities.json", "kev/cisagov-kev-data_known_exploited_vulnerabilities.json"],
  ] as const) {
    fs.mkdirSync(path.join(staging, path.dirname(rel)), { recursive: true });
    fs.copyFileSync(path.join(vulndata, src), path.join(staging, rel));
  }
  // The attacker plants the Debian part: every apache2 CVE "fixed" in version 0.
  attackerShell(
    `mkdir '${staging}/debian' && printf '{"apache2": {"CVE-2021-41773": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "0"}}}}}' > '${staging}/debian/tracker.json'`,
  );
  const data = tempDir(t);
  const file = path.join(data, "vulndb.json");
  fs.copyFileSync(path.join(repo, "data/vulndb.json"), file);
  const before = fs.readFileSync(file);
  const r = await mamori(["db", "update", "--data-dir", data, "--from", staging]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Debian security tracker: cannot read .*(owned by uid 65534|mode 777)/);
  assert.deepEqual(fs.readFileSync(file), before);
  assert.deepEqual(fs.readdirSync(data), ["vulndb.json"]);
});

test("as root, db fetch --to a directory the attacker prepared with links writes nothing through them", async (t) => {
  if (needsRoot()) return t.skip(needsRoot());
  const shared = tempDir(t);
  fs.chmodSync(shared, 0o1777);
  const victim = path.join(tempDir(t), "victim");
  fs.writeFileSync(victim, "root's file\n");
  // The attacker makes DIR/apache a link to a root directory, hoping root writes the feed there.
  attackerShell(`mkdir '${shared}/feeds' && ln -s '${path.dirname(victim)}' '${shared}/feeds/apache'`);
  const r = await mamori([
    "db",
    "fetch",
    "--to",
    path.join(shared, "feeds"),
    "--feed",
    "apache",
    "--feed-url",
    `apache=${await server(t)}/apache.json`,
  ]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("Downloading")).length,
    1,
    r.stderr,
  );
  assert.match(r.stderr, /symbolic link|ELOOP/);
  assert.deepEqual(fs.readdirSync(path.dirname(victim)), ["victim"]);
  assert.equal(fs.readFileSync(victim, "utf8"), "root's file\n");
});
