import type { Incident } from "../core/document.ts";
import { CONFIDENCES, type Confidence, type Finding, type Severity, severityRank } from "../core/finding.ts";
import { isMsg, type Param, renderText, type Text } from "../core/message.ts";
import { isMessageKey, type Translator } from "../i18n/index.ts";

/**
 * Grouping by cause, for human readers only (terminal, Markdown): 67 "Suspicious executable" findings
 * that differ only by path are one cause, shown once with a count and examples. JSON and SARIF keep
 * every finding; `--verbose` shows every one here too.
 *
 * "Same cause" is decided on the keyed title, never on the English text: the same check and the same
 * title message key, with the same words (keyed or localized parameters: a severity, an attack's name)
 * but any literal data (a path, a pid, an address) may differ. A literal parameter whose name says it
 * is the cause (an attack named by a plain string) stays part of the key.
 */

/** Literal parameters that name the cause rather than the instance. */
const CAUSE_PARAMS = new Set(["attack", "severity", "service", "check"]);
const MAX_DEPTH = 8;

function keyOf(text: Text | Param, depth: number): string {
  if (depth > MAX_DEPTH) return "?";
  if (typeof text === "number") return "#";
  if (typeof text === "string") return `s:${text}`;
  if (Array.isArray(text)) {
    const parts = text as readonly Text[];
    // Literal pieces between keyed ones are instance data; an all-literal title is compared whole.
    if (parts.every((p) => typeof p === "string")) return `s:${parts.join("")}`;
    return `[${parts.map((p) => (typeof p === "string" ? "*" : keyOf(p, depth + 1))).join(",")}]`;
  }
  if (isMsg(text)) {
    const params = Object.entries(text.params ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => {
        if (typeof v === "number") return `${k}=#`;
        if (typeof v === "string") return CAUSE_PARAMS.has(k) ? `${k}=s:${v}` : `${k}=*`;
        return `${k}=${keyOf(v, depth + 1)}`;
      });
    return `m:${text.key}(${params.join(",")})`;
  }
  const loc = text as { en?: unknown };
  return `l:${typeof loc.en === "string" ? loc.en : ""}`;
}

/** The cause of a finding: its check and the shape of its keyed title. */
export function causeKey(f: Pick<Finding, "check" | "title">): string {
  return `${f.check}\0${keyOf(f.title, 0)}`;
}

const ELLIPSIS = "…";

function blank(text: Text | Param, depth: number, top: boolean): Text {
  if (depth > MAX_DEPTH) return ELLIPSIS;
  if (typeof text === "number") return ELLIPSIS;
  if (typeof text === "string") return top ? text : ELLIPSIS;
  if (Array.isArray(text)) {
    const parts = text as readonly Text[];
    if (parts.every((p) => typeof p === "string")) return parts.join("");
    return parts.map((p) => (typeof p === "string" ? ELLIPSIS : blank(p, depth + 1, false)));
  }
  if (isMsg(text)) {
    if (!text.params) return text;
    const params: Record<string, Param> = {};
    for (const [k, v] of Object.entries(text.params))
      params[k] =
        typeof v === "number" || typeof v === "string"
          ? CAUSE_PARAMS.has(k) && typeof v === "string"
            ? v
            : ELLIPSIS
          : blank(v, depth + 1, false);
    return { key: text.key, params };
  }
  return text;
}

/** The title of a cause: the finding's title with its instance data (paths, pids, addresses) as "…". */
export function causeTitle(f: Pick<Finding, "title">, t: Translator): string {
  return renderText(blank(f.title, 0, true), t);
}

/**
 * A group's heading: the title message's own group form when it has one (`<key>Group`: "21 addresses
 * attacked with … and it appears to have worked"), with the count and the parameters that name the cause;
 * else the cause title and "N findings of this kind".
 */
export function groupTitle(f: Pick<Finding, "title">, count: number, t: Translator): string {
  const title = f.title;
  if (isMsg(title)) {
    const key = `${title.key}Group`;
    if (isMessageKey(key)) {
      const params: Record<string, Param> = { count };
      for (const [k, v] of Object.entries(title.params ?? {}))
        if (typeof v !== "number" && (typeof v !== "string" || CAUSE_PARAMS.has(k))) params[k] = v;
      return renderText({ key, params }, t);
    }
  }
  return `${causeTitle(f, t)} — ${t("report.group.count", { count })}`;
}

export type Shown<F> = { kind: "one"; finding: F; keyed: Finding } | ShownGroup<F>;

export interface ShownGroup<F> {
  kind: "group";
  key: string;
  /** Members in report order (the worst first, as the report is sorted). */
  findings: F[];
  keyed: Finding[];
  severity: Severity;
  confidence: Confidence;
}

/** A finding shown on its own whatever its cause: part of an incident, or critical/high and confirmed. */
export function standsAlone(f: Finding, incidentFindings: ReadonlySet<string>): boolean {
  if (incidentFindings.has(f.id)) return true;
  return f.confidence === "confirmed" && (f.severity === "critical" || f.severity === "high");
}

/**
 * The findings to show, in report order, same-cause ones folded into one group placed where its worst
 * member was. `rendered[i]` is `keyed[i]` in the reader's language. With `verbose`, every finding alone.
 */
export function groupByCause<F>(
  keyed: readonly Finding[],
  rendered: readonly F[],
  incidents: readonly Pick<Incident, "findingIds">[],
  verbose = false,
): Shown<F>[] {
  const alone = new Set(incidents.flatMap((i) => i.findingIds));
  const byKey = new Map<string, number[]>();
  keyed.forEach((f, i) => {
    if (verbose || standsAlone(f, alone)) return;
    const k = causeKey(f);
    const list = byKey.get(k);
    if (list) list.push(i);
    else byKey.set(k, [i]);
  });
  const out: Shown<F>[] = [];
  const placed = new Set<string>();
  keyed.forEach((f, i) => {
    const k = verbose || standsAlone(f, alone) ? undefined : causeKey(f);
    const members = k === undefined ? undefined : byKey.get(k);
    if (k === undefined || !members || members.length < 2) {
      out.push({ kind: "one", finding: rendered[i] as F, keyed: f });
      return;
    }
    if (placed.has(k)) return;
    placed.add(k);
    const fs = members.map((j) => keyed[j] as Finding);
    let severity = fs[0]?.severity ?? f.severity;
    for (const m of fs) if (severityRank(m.severity) > severityRank(severity)) severity = m.severity;
    const atWorst = fs.filter((m) => m.severity === severity);
    const confidence =
      CONFIDENCES.find((c) => atWorst.some((m) => m.confidence === c)) ??
      atWorst[0]?.confidence ??
      "possible";
    out.push({
      kind: "group",
      key: k,
      findings: members.map((j) => rendered[j] as F),
      keyed: fs,
      severity,
      confidence,
    });
  });
  return out;
}

/** The value every member has, or undefined when they differ (a group shows only what is true of all). */
export function shared<F>(fs: readonly F[], pick: (f: F) => string): string | undefined {
  const first = fs[0];
  if (first === undefined) return undefined;
  const v = pick(first);
  return fs.every((f) => pick(f) === v) ? v : undefined;
}

/** How many examples a group shows. */
export const GROUP_EXAMPLES = 3;

/**
 * A "Why" that lists CVEs with their titles ("CVE-A (title); CVE-B (title); … (+9). rest") cut to the
 * first `max` with a "+N more" in the reader's words; `total` is how many CVEs the finding has. Scanned
 * once, left to right (titles may hold parentheses), so hostile text costs linear time.
 */
export function shortenCveList(
  detail: string,
  total: number,
  max: number,
  more: (n: number) => string,
): string {
  if (total <= max) return detail;
  let i = 0;
  let items = 0;
  let cut = -1;
  const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
  while (detail.startsWith("CVE-", i)) {
    let j = i + 4;
    while (isDigit(detail[j])) j++;
    if (detail[j] !== "-") break;
    j++;
    while (isDigit(detail[j])) j++;
    if (!detail.startsWith(" (", j)) break;
    j += 2;
    let depth = 1;
    while (j < detail.length && depth > 0) {
      if (detail[j] === "(") depth++;
      else if (detail[j] === ")") depth--;
      j++;
    }
    if (depth !== 0) break;
    items++;
    if (items === max) cut = j;
    if (detail.startsWith("; ", j)) i = j + 2;
    else {
      i = j;
      break;
    }
  }
  if (cut < 0 || items <= max) return detail;
  // Past the list: an old " … (+N)" tail goes (the count below says it), then the sentence goes on.
  let rest = detail.slice(i);
  const tail = /^ … \(\+\d+\)/.exec(rest);
  if (tail) rest = rest.slice(tail[0].length);
  return `${detail.slice(0, cut)} ${more(total - max)}${rest}`;
}
