import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

const repo = path.resolve(import.meta.dirname, "../..");
const vulndata = path.join(repo, "../shared/vulndata");

/** A CVE that applies to Apache 2.4.49 (and is in Apache's real feed). */
export const REJUDGE_CVE = "CVE-2021-44790";

/** mamori's shipped vulndb.json without one CVE: data "from before" that CVE was published. */
export function snapshotWithout(cve: string): string {
  const snapshot = JSON.parse(fs.readFileSync(path.join(repo, "data/vulndb.json"), "utf8"));
  snapshot.cves = snapshot.cves.filter((c: { id: string }) => c.id !== cve);
  return JSON.stringify(snapshot);
}

/**
 * Apache's and KEV's real JSON, and a tracker JSON about a long-gone Debian release, served on 127.0.0.1:
 * the `--*-url` and `--feed` options of `db update` and `server db-update`.
 */
export async function localFeeds(t: { after: (fn: () => Promise<void>) => void }): Promise<string[]> {
  const bodies: Record<string, Buffer> = {
    "/apache.json": fs.readFileSync(path.join(vulndata, "httpd-vulnerabilities-consolidated.json")),
    "/kev.json": fs.readFileSync(
      path.join(vulndata, "kev/cisagov-kev-data_known_exploited_vulnerabilities.json"),
    ),
    "/debian.json": Buffer.from(
      JSON.stringify({
        apache2: Object.fromEntries(
          Array.from({ length: 60 }, (_, i) => [
            `CVE-2000-${1000 + i}`,
            { releases: { buzz: { status: "open" } } },
          ]),
        ),
      }),
    ),
  };
  const server = http.createServer((req, res) => {
    const body = bodies[req.url ?? ""];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return [
    "--apache-url",
    `${base}/apache.json`,
    "--kev-url",
    `${base}/kev.json`,
    "--debian-url",
    `${base}/debian.json`,
    "--feed",
    "apache,kev,debian",
  ];
}
