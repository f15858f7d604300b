import { toolVersion } from "../../core/version.ts";
import { type Translator, translator } from "../../i18n/index.ts";
import { jsonSafe } from "../../report/escape.ts";
import type { ServerStore } from "../store/db.ts";
import { latestDocuments } from "../store/fleet-queries.ts";
import { listHosts } from "../store/repo.ts";
import { jsonStrings, shown } from "../store/summaries.ts";
import { csvLine, type FindingRow, type HostDoc, toCsv } from "./views.ts";

/** Every host's latest document (the fleet views fold them). */
export async function fleetDocs(store: ServerStore): Promise<HostDoc[]> {
  const out: HostDoc[] = [];
  for await (const d of latestDocuments(store)) out.push(d);
  return out;
}

export type ExportWhat = "hosts" | "findings";
export type ExportFormat = "json" | "csv" | "sarif";

/** Which files exist: hosts as JSON or CSV, findings also as SARIF. */
export const EXPORT_FILE = /^(?:(hosts)\.(json|csv)|(findings)\.(json|csv|sarif))$/;

/** The parts of an export file name, or undefined when there is no such file. */
export function exportOf(file: string): { what: ExportWhat; format: ExportFormat } | undefined {
  const m = EXPORT_FILE.exec(file);
  if (!m) return undefined;
  return { what: (m[1] ?? m[3]) as ExportWhat, format: (m[2] ?? m[4]) as ExportFormat };
}

const LEVEL: Record<string, "error" | "warning" | "note" | "none"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "none",
};
const SECURITY_SEVERITY: Record<string, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

/** The worst severity of each check among `findings` (the SARIF rule's default level). */
function worstByCheck(findings: Iterable<{ check: string; severity: string }>): Map<string, string> {
  const worst = new Map<string, string>();
  const rank = (s: string) => Object.keys(LEVEL).indexOf(s);
  for (const f of findings) {
    const have = worst.get(f.check);
    if (have === undefined || (rank(f.severity) >= 0 && rank(f.severity) < rank(have)))
      worst.set(f.check, f.severity);
  }
  return worst;
}

/**
 * The SARIF file around its results: the text before the first result and after the last, and each
 * check's rule index. The results are written between, one at a time.
 */
function sarifFrame(
  worst: Map<string, string>,
  version: string,
): { head: string; tail: string; index: Map<string, number> } {
  const checks = [...worst.keys()].sort();
  const rules = checks.map((check) => {
    const sev = worst.get(check) ?? "info";
    return {
      id: check,
      shortDescription: { text: check },
      defaultConfiguration: { level: LEVEL[sev] ?? "warning" },
      properties: { "security-severity": SECURITY_SEVERITY[sev] ?? "0.0", tags: ["security"] },
    };
  });
  const whole = JSON.stringify({
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "mamori", version, rules } }, results: [] }],
  });
  // `whole` ends with `"results":[]}]}`: the results go between its last four characters and the rest.
  return { head: whole.slice(0, -4), tail: whole.slice(-4), index: new Map(checks.map((c, i) => [c, i])) };
}

/**
 * JSON with the characters a terminal or an editor acts on (bidi overrides, C1 controls) as \uXXXX: the
 * hosts wrote these strings (process names, log lines), and an export is opened by people and tools.
 */
function jsonText(value: unknown): string {
  return jsonSafe(JSON.stringify(value));
}

function sarifResult(f: FindingRow, index: Map<string, number>): string {
  return jsonText({
    ruleId: f.check,
    ruleIndex: index.get(f.check),
    level: LEVEL[f.severity] ?? "warning",
    message: { text: f.title || f.id },
    locations: [
      {
        logicalLocations: [{ name: f.host, fullyQualifiedName: `host/${f.hostId}`, kind: "module" }],
        message: { text: f.host },
      },
    ],
    partialFingerprints: { mamoriHostFinding: `${f.hostId}/${f.id}` },
    properties: {
      hostId: f.hostId,
      host: f.host,
      findingId: f.id,
      severity: f.severity,
      "security-severity": SECURITY_SEVERITY[f.severity] ?? "0.0",
      cves: f.cves,
    },
  });
}

/**
 * The fleet's current findings as SARIF 2.1.0: one run, one result per finding of each host, the host
 * named by a logical location (its name and id: a fleet finding has no file of ours to point at), and
 * a fingerprint of host id and finding id so the same finding on another scan is the same result.
 */
export function fleetSarif(findings: FindingRow[], version: string): string {
  const { head, tail, index } = sarifFrame(worstByCheck(findings), version);
  return `${head}${findings.map((f) => sarifResult(f, index)).join(",")}${tail}`;
}

/** Rows of the findings export read from the database at a time. */
export const EXPORT_PAGE = 1000;

/**
 * Every current finding from the per-host summaries (host_findings, migration 6) in the order of
 * `fleetFindings` over `fleetDocs` (host id, then the document's order), one page at a time (keyset on
 * host id and place): no document is read, and memory does not grow with the fleet. A host that reports
 * while the export runs is seen before or after its new report, page by page.
 */
export async function* currentFindings(
  store: ServerStore,
  pageSize = EXPORT_PAGE,
  t: Translator = translator("en"),
): AsyncGenerator<FindingRow[]> {
  let after: { host: string; seq: number } | undefined;
  for (;;) {
    let q = store.db
      .selectFrom("host_findings as f")
      .innerJoin("hosts as h", "h.id", "f.host_id")
      .select([
        "f.host_id",
        "h.name",
        "f.seq",
        "f.finding_id",
        "f.check_id",
        "f.severity",
        "f.title",
        "f.cves",
        "f.message",
      ])
      .orderBy("f.host_id")
      .orderBy("f.seq")
      .limit(pageSize);
    if (after) {
      const { host, seq } = after;
      q = q.where((eb) =>
        eb.or([eb("f.host_id", ">", host), eb.and([eb("f.host_id", "=", host), eb("f.seq", ">", seq)])]),
      );
    }
    const rows = await q.execute();
    if (rows.length > 0)
      yield rows.map((r) => ({
        hostId: r.host_id,
        host: r.name,
        id: r.finding_id,
        check: r.check_id,
        severity: r.severity,
        // As the agent rendered it, or from its keyed form in the reader's language.
        title: (r.message === null ? undefined : shown(parseKeyed(r.message), t, 2000)) ?? r.title,
        cves: jsonStrings(r.cves),
      }));
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    after = { host: last.host_id, seq: Number(last.seq) };
  }
}

/** The findings export as text chunks (a page each): JSON, CSV or SARIF, the same bytes as folded whole. */
export async function* findingsChunks(
  store: ServerStore,
  format: ExportFormat,
  pageSize = EXPORT_PAGE,
  t: Translator = translator("en"),
): AsyncGenerator<string> {
  if (format === "csv") {
    yield csvLine(FINDINGS_CSV);
    for await (const page of currentFindings(store, pageSize, t))
      yield page.map((f) => csvLine(findingCells(f))).join("");
    return;
  }
  let head = '{"findings":[';
  let tail = "]}";
  let one = (f: FindingRow) => jsonText(f);
  if (format === "sarif") {
    // First the checks and their worst severity (small: one row per check and severity), then the results.
    const pairs = await store.db
      .selectFrom("host_findings")
      .select(["check_id as check", "severity"])
      .distinct()
      .execute();
    const frame = sarifFrame(worstByCheck(pairs), toolVersion());
    head = frame.head;
    tail = frame.tail;
    one = (f) => sarifResult(f, frame.index);
  }
  let first = true;
  yield head;
  for await (const page of currentFindings(store, pageSize, t)) {
    yield `${first ? "" : ","}${page.map(one).join(",")}`;
    first = false;
  }
  yield tail;
}

const FINDINGS_CSV = ["hostId", "host", "id", "check", "severity", "title", "cves"];
const findingCells = (f: FindingRow) => [
  f.hostId,
  f.host,
  f.id,
  f.check,
  f.severity,
  f.title,
  f.cves.join(" "),
];

/** A stored keyed title (JSON text), or undefined. */
function parseKeyed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A byte stream of text chunks, read as the client takes them. */
function streamOf(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const n = await chunks.next();
      if (n.done) ctrl.close();
      else ctrl.enqueue(enc.encode(n.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/**
 * The export files: hosts (the /api/v1/hosts list) as JSON or CSV, or every current finding as JSON, CSV
 * or SARIF, streamed from the summaries a page at a time.
 */
export async function exportFile(
  store: ServerStore,
  what: ExportWhat,
  format: ExportFormat,
  t: Translator = translator("en"),
): Promise<{ body: string | ReadableStream<Uint8Array>; type: string; name: string }> {
  const name = `mamori-${what}.${format}`;
  if (what === "hosts") {
    const hosts = await listHosts(store);
    if (format === "json") return { body: jsonText({ hosts }), type: "application/json", name };
    return {
      body: toCsv(
        ["id", "name", "worstSeverity", "incidents", "lastScanAt"],
        hosts.map((h) => [h.id, h.name, h.worstSeverity, h.incidents, h.lastScanAt]),
      ),
      type: "text/csv; charset=utf-8",
      name,
    };
  }
  const type =
    format === "json"
      ? "application/json"
      : format === "sarif"
        ? "application/sarif+json"
        : "text/csv; charset=utf-8";
  return { body: streamOf(findingsChunks(store, format, EXPORT_PAGE, t)), type, name };
}

/** The findings export folded from every host's latest document (the summaries' reference; tests, bench). */
export function findingsFromDocs(findings: FindingRow[], format: ExportFormat): string {
  if (format === "json") return jsonText({ findings });
  if (format === "sarif") return fleetSarif(findings, toolVersion());
  return toCsv(FINDINGS_CSV, findings.map(findingCells));
}
