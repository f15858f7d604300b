/**
 * `mamori probe` on the common report: the targets as `sections.probe`, each vulnerable check as a
 * finding (so SARIF, Markdown and HTML show it like an audit's), a target that could not be probed as
 * "not checked". The verdicts themselves are src/probe's.
 */
import type { NotChecked } from "../core/diagnostics.ts";
import type { HostInfo, ReportDocument } from "../core/document.ts";
import { type Finding, findingId, type Severity } from "../core/finding.ts";
import { msg } from "../core/message.ts";
import type { ProbeSection } from "../core/sections/index.ts";
import type { Lang, MessageKey } from "../i18n/index.ts";
import { commandReport } from "./report.ts";

type ProbeTarget = ProbeSection["targets"][number];

/** An open path traversal hands out files (or commands); the others leak information. */
const SEVERITY: Record<string, Severity> = {
  "cve-2021-41773": "critical",
  "cve-2021-42013": "critical",
  "git-exposed": "high",
  "env-exposed": "high",
  "server-status": "medium",
  "server-info": "medium",
  "directory-listing": "low",
  trace: "low",
  banner: "info",
};

function evidenceLine(e: ProbeTarget["checks"][number]["evidence"][number]): string {
  const status = e.status === undefined ? "-" : String(e.status);
  return `${e.method} ${e.path} -> ${status} (${e.bytes} B)`;
}

export function probeFindings(targets: ProbeTarget[]): Finding[] {
  return targets.flatMap((target) =>
    target.checks
      .filter((c) => c.verdict === "vulnerable")
      .map((c) => {
        const key = `exposure.probe.check.${c.id}`;
        return {
          id: findingId(`probe.${c.id}`, target.url),
          check: `probe.${c.id}`,
          severity: SEVERITY[c.id] ?? "medium",
          confidence: c.confidence,
          title: msg("exposure.probe.finding.title", {
            check: msg(key as MessageKey),
            url: target.url,
          }),
          detail: c.summary ?? "",
          cves: c.cves,
          evidence: [
            { url: target.finalUrl ?? target.url },
            ...c.evidence
              .slice(0, 12)
              .map((e) => ({ value: `${evidenceLine(e)}${e.note ? `  ${e.note}` : ""}` })),
          ],
          remediation: msg("exposure.probe.finding.fix"),
        } satisfies Finding;
      }),
  );
}

export function probeReport(o: {
  targets: ProbeTarget[];
  at: Date;
  lang: Lang;
  host: HostInfo;
}): ReportDocument {
  const notChecked: NotChecked[] = o.targets
    .filter((x) => x.error !== undefined)
    .map((x) => ({ area: "probe", path: x.url, reason: "error", detail: x.error }));
  return commandReport({
    command: "probe",
    host: o.host,
    at: o.at,
    lang: o.lang,
    findings: probeFindings(o.targets),
    notChecked,
    sections: { probe: { targets: o.targets } },
  });
}

export function countVulnerable(doc: ReportDocument): number {
  return (doc.sections.probe?.targets ?? []).reduce(
    (n, t) => n + t.checks.filter((c) => c.verdict === "vulnerable").length,
    0,
  );
}
