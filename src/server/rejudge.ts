import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { judgeBundle, validateAreas } from "../audit/run.ts";
import { auditScanners } from "../audit/scanners.ts";
import type { Incident } from "../core/document.ts";
import { type Finding, SEVERITIES, type Severity } from "../core/finding.ts";
import { FACTS_KIND, FACTS_SCHEMA_VERSION, factsBundleSchema } from "../facts/bundle.ts";
import { isLang, type Lang, translator } from "../i18n/index.ts";
import { RENDERERS } from "../report/formats/index.ts";
import { keyedOf } from "./fleet/views.ts";
import type { ServerStore } from "./store/db.ts";
import { eventsOf, hostsWithReports, latestWithFacts, recordEvent } from "./store/fleet-queries.ts";
import { ingestReport } from "./store/repo.ts";

/**
 * Re-judging: the server keeps its own vulnerability and IOC data (DATA/vulndata: vulndb.json and iocs/,
 * first copied from the data mamori ships with). When that data changes (`mamori server db-update`, or a
 * new version noticed at start and every hour), the latest FactsBundle of every host is judged again with
 * `judgeBundle`, as `mamori check` would, without a new scan. A host with findings its latest report lacks
 * gets a new stored report (actor "server", action "report.rejudge"), and each such finding is listed in
 * the audit log as "finding.new" (GET /api/v1/findings/new) and, when channels are given, alerted.
 *
 * What the agent reported stays: a finding of the latest report that the server's judgement lacks (the
 * agent's data may be newer than the server's, or its log findings came from lines the facts do not hold)
 * is kept in the new report. Re-judging only adds.
 */

export const JUDGE_DIR = "vulndata";
/** Larger data files are refused (the shipped vulndb.json is about 200 KB; distro feeds make it a few MB). */
export const MAX_DATA_FILE = 64 * 1024 * 1024;
const IOC_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.json$/;

/** Where the server's judging data is kept, inside its data directory. */
export function judgeDirOf(serverDataDir: string): string {
  return path.join(serverDataDir, JUDGE_DIR);
}

/**
 * Creates DATA/vulndata (0700) from the shipped data directory when it has no vulndb.json yet. The server
 * itself created DATA (0700, verified by openDataDir): nobody else can place anything here.
 */
export function ensureJudgeData(serverDataDir: string, shipped: string): string {
  const dir = judgeDirOf(serverDataDir);
  fs.mkdirSync(path.join(dir, "iocs"), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(path.join(dir, "vulndb.json")))
    fs.copyFileSync(path.join(shipped, "vulndb.json"), path.join(dir, "vulndb.json"));
  const iocs = path.join(dir, "iocs");
  if (fs.readdirSync(iocs).filter((n) => IOC_FILE.test(n)).length === 0) {
    for (const name of safeList(path.join(shipped, "iocs")))
      fs.copyFileSync(path.join(shipped, "iocs", name), path.join(iocs, name));
  }
  return dir;
}

function safeList(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && IOC_FILE.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** The IOC list files agents and judging use: DIR/iocs/*.json (sorted, names checked). */
export function iocFiles(judgeDir: string): string[] {
  return safeList(path.join(judgeDir, "iocs"));
}

function sha256(buf: Buffer | string): string {
  return createHash("sha256").update(buf).digest("hex");
}

/** Reads a data file with a bound (regular files only). */
export function readDataFile(file: string): Buffer {
  // Non-blocking: a FIFO planted at the path would otherwise hang open() before the check below.
  const fd = fs.openSync(
    file,
    fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY,
  );
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`${file}: not a regular file`);
    if (st.size > MAX_DATA_FILE) throw new Error(`${file}: larger than ${MAX_DATA_FILE} bytes`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    fs.closeSync(fd);
  }
}

/** Versions of the judging data: each part's sha256 and one over both (what re-judging compares). */
export interface DataVersion {
  vulndb: string;
  iocs: string;
  version: string;
}

/** The IOC part as agents receive it: `{ files: { name: content } }`, names sorted. */
export function iocBundle(judgeDir: string): string {
  const files: Record<string, unknown> = {};
  for (const name of iocFiles(judgeDir))
    files[name] = JSON.parse(readDataFile(path.join(judgeDir, "iocs", name)).toString("utf8"));
  return JSON.stringify({ files });
}

export function dataVersion(judgeDir: string): DataVersion {
  const vulndb = sha256(readDataFile(path.join(judgeDir, "vulndb.json")));
  const iocs = sha256(iocBundle(judgeDir));
  return { vulndb, iocs, version: sha256(`${vulndb}:${iocs}`).slice(0, 32) };
}

/** The data version the fleet was last judged with (the newest "data.judged" entry), if any. */
export async function lastJudged(store: ServerStore): Promise<string | undefined> {
  const [e] = await eventsOf(store, "data.judged", 1);
  return e?.target;
}

/** A stored report document: the JSON renderer's output, texts already strings. */
interface StoredFinding {
  id: string;
  check: string;
  severity: Severity;
  title: string;
  cves: string[];
  [k: string]: unknown;
}
interface StoredIncident {
  id: string;
  severity: Severity;
  title: string;
  findingIds: string[];
  [k: string]: unknown;
}
interface StoredDoc {
  lang: string;
  scannedAt: string;
  host: { hostname: string; os?: string };
  findings: StoredFinding[];
  incidents: StoredIncident[];
  sections?: Record<string, unknown>;
  [k: string]: unknown;
}

const SEV_ORDER: readonly string[] = SEVERITIES;
function sortStored(list: StoredFinding[]): StoredFinding[] {
  return [...list].sort(
    (a, b) =>
      SEV_ORDER.indexOf(a.severity) - SEV_ORDER.indexOf(b.severity) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export interface NewFindings {
  hostId: string;
  host: string;
  reportId: string;
  findings: Finding[];
  /** CVEs the host's latest report did not list before. */
  newCves: string[];
  incidents: Incident[];
}

export interface RejudgeResult {
  version: string;
  /** False: the fleet was already judged with this version (nothing done). */
  judged: boolean;
  hosts: number;
  changed: NewFindings[];
  skipped: Array<{ hostId: string; reason: string }>;
}

export interface RejudgeOptions {
  judgeDir: string;
  now: () => Date;
  /** Judge even when this version was judged already. */
  force?: boolean;
  /** Called once per host with new findings, after they are stored (alerts). Errors are the caller's. */
  onNew?: (n: NewFindings) => Promise<void>;
}

/** Judges every host's latest facts with the data in `judgeDir`; stores and records what is new. */
export async function rejudgeFleet(store: ServerStore, o: RejudgeOptions): Promise<RejudgeResult> {
  const { version } = dataVersion(o.judgeDir);
  if (!o.force && (await lastJudged(store)) === version)
    return { version, judged: false, hosts: 0, changed: [], skipped: [] };
  const scanners = auditScanners();
  const result: RejudgeResult = { version, judged: true, hosts: 0, changed: [], skipped: [] };
  for (const h of await hostsWithReports(store)) {
    result.hosts++;
    try {
      const outcome = await rejudgeHost(store, h.id, o, scanners, version);
      if (typeof outcome === "string") result.skipped.push({ hostId: h.id, reason: outcome });
      else if (outcome) {
        result.changed.push(outcome);
        await o.onNew?.(outcome);
      }
    } catch (err) {
      // One host's bad facts never stop the others.
      result.skipped.push({
        hostId: h.id,
        reason: (err instanceof Error ? err.message : String(err)).slice(0, 200),
      });
    }
  }
  await recordEvent(store, o.now(), "server", "data.judged", version, {
    hosts: result.hosts,
    changed: result.changed.length,
    newFindings: result.changed.reduce((n, c) => n + c.findings.length, 0),
    skipped: result.skipped.slice(0, 50),
  });
  return result;
}

async function rejudgeHost(
  store: ServerStore,
  hostId: string,
  o: RejudgeOptions,
  scanners: ReturnType<typeof auditScanners>,
  version: string,
): Promise<NewFindings | string | undefined> {
  const latest = await latestWithFacts(store, hostId);
  if (!latest) return undefined;
  if (latest.facts === null) return "no-facts";
  const f = latest.facts as { kind?: unknown; schemaVersion?: unknown };
  if (f?.kind !== FACTS_KIND || f.schemaVersion !== FACTS_SCHEMA_VERSION) return "facts-version";
  const parsed = factsBundleSchema.safeParse(latest.facts);
  if (!parsed.success) return "invalid-facts";
  const bundle = await validateAreas(parsed.data, scanners);
  const prev = latest.document as StoredDoc;
  const lang: Lang = isLang(prev.lang) ? prev.lang : "en";
  const raw = judgeBundle(
    bundle,
    // No environment: MAMORI_IOC_DIR and the like of the server process do not choose the data.
    { now: o.now, lang, t: translator(lang), env: {}, dataDir: o.judgeDir },
    scanners,
    "rejudge",
  );
  // The stored documents are what `--format json` writes (texts rendered in the report's language).
  const judged = JSON.parse(
    RENDERERS.json.render(raw, { lang, t: translator(lang), color: false, threshold: "info" }),
  ) as StoredDoc;
  // New: a finding id the latest report lacks, or a known one with CVEs it did not list, or more severe.
  const before = new Map(prev.findings.map((x) => [x.id, x]));
  const fresh: Array<StoredFinding & { newCves: string[] }> = [];
  for (const x of judged.findings) {
    const old = before.get(x.id);
    const had = new Set(old?.cves ?? []);
    const newCves = (x.cves ?? []).filter((c) => !had.has(c));
    if (!old || newCves.length > 0 || SEV_ORDER.indexOf(x.severity) < SEV_ORDER.indexOf(old.severity))
      fresh.push({ ...x, newCves });
  }
  if (fresh.length === 0) return undefined;
  const now = new Set(judged.findings.map((x) => x.id));
  const incidentIds = new Set(judged.incidents.map((x) => x.id));
  // Judged with the server's data wins for a finding both have; CVEs only the agent's data knew stay.
  const merged = judged.findings.map((x) => {
    const old = before.get(x.id);
    const extra = (old?.cves ?? []).filter((c) => !(x.cves ?? []).includes(c));
    return extra.length ? { ...x, cves: [...(x.cves ?? []), ...extra].sort() } : x;
  });
  const doc: StoredDoc = {
    ...prev,
    findings: sortStored([...merged, ...prev.findings.filter((x) => !now.has(x.id))]),
    incidents: [...judged.incidents, ...prev.incidents.filter((x) => !incidentIds.has(x.id))],
    sections: { ...(prev.sections ?? {}), ...judged.sections },
    rejudged: { at: o.now().toISOString(), dataVersion: version, fromReport: latest.reportId },
  };
  const text = JSON.stringify(doc);
  const reportId = await ingestReport(
    store,
    hostId,
    {
      hostname: latest.name,
      os: doc.host.os,
      scannedAt: prev.scannedAt,
      findings: doc.findings.map((x) => ({ id: x.id, check: x.check, severity: x.severity, title: x.title })),
      incidents: doc.incidents.map((x) => ({ id: x.id, severity: x.severity, title: x.title })),
      document: text,
      facts: JSON.stringify(latest.facts),
    },
    o.now(),
    { actor: "server", action: "report.rejudge" },
  );
  await recordEvent(store, o.now(), "server", "finding.new", hostId, {
    host: latest.name,
    report: reportId,
    dataVersion: version,
    findings: fresh.slice(0, 200).map((x) => ({
      id: x.id,
      check: x.check,
      severity: x.severity,
      title: x.title,
      // The keyed title (JSON contract), so GET /api/v1/findings/new can answer in the reader's language.
      ...(keyedOf(x, "title") ? { message: { title: keyedOf(x, "title") } } : {}),
      cves: x.newCves,
      ...(before.has(x.id) ? {} : { new: true }),
    })),
  });
  const freshIds = new Set(fresh.map((x) => x.id));
  return {
    hostId,
    host: latest.name,
    reportId,
    findings: raw.findings.filter((x) => freshIds.has(x.id)),
    newCves: [...new Set(fresh.flatMap((x) => x.newCves))].sort(),
    incidents: raw.incidents.filter((i) => i.findingIds.some((id) => freshIds.has(id))),
  };
}
