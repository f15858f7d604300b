import * as fs from "node:fs";
import * as path from "node:path";
import { parseDebianAdvisoryList } from "../../src/vulndb/sources/debian.ts";
import { listenLocal, serveBody } from "./http-local.ts";

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
  const base = await listenLocal(t, (req, res) => {
    const body = bodies[req.url ?? ""];
    if (body) serveBody(body)(req, res);
    else res.writeHead(404).end();
  });
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

type Releases = Record<string, { status: string; fixed_version?: string }>;

/**
 * Debian's security tracker JSON in its real shape (`{ apache2: { CVE: { releases: { codename: ... } } } }`),
 * made from the mirrored DSA and DLA lists; `extra` adds or overrides entries.
 */
export function debianTrackerBody(
  extra: Record<string, unknown> = {},
  more: Record<string, Releases> = {},
): Buffer {
  const distro = path.join(vulndata, "distro");
  const index = parseDebianAdvisoryList(fs.readFileSync(path.join(distro, "debian-DSA-apache2.txt"), "utf8"));
  parseDebianAdvisoryList(
    fs.readFileSync(path.join(distro, "debian-DLA-apache2.txt"), "utf8"),
    "apache2",
    index,
  );
  const apache2: Record<string, { releases: Releases }> = {};
  for (const [cve, facts] of index)
    apache2[cve] = {
      releases: Object.fromEntries(
        [...facts.fixed].map(([k, v]) => [
          k.replace("debian:", ""),
          { status: "resolved", fixed_version: v },
        ]),
      ),
    };
  for (const [cve, releases] of Object.entries(more))
    apache2[cve] = { releases: { ...apache2[cve]?.releases, ...releases } };
  return Buffer.from(JSON.stringify({ ...extra, apache2 }));
}
