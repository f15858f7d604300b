import type { ReportDocument } from "../core/document.ts";
import type { Finding } from "../core/finding.ts";
import type { Lang } from "../i18n/index.ts";
import type { ScanDiff } from "../store/diff.ts";
import { isLegacyKey, type ScanMeta } from "../store/scans.ts";
import { commandReport } from "./report.ts";

function row(f: Finding) {
  return { id: f.id, check: f.check, severity: f.severity, confidence: f.confidence, title: f.title };
}

/**
 * `mamori diff` on the common report: the newer scan's new and changed findings are the report's
 * findings (what may need action; SARIF, Markdown and HTML show them as for an audit), and
 * `sections.diff` says which is which, what they were before, and what was resolved.
 */
export function diffReport(d: ScanDiff, newer: ScanMeta | undefined, lang: Lang, now: Date): ReportDocument {
  const legacy = newer ? isLegacyKey(newer.hostId) : true;
  return commandReport({
    command: "diff",
    host: {
      ...(newer && !legacy ? { id: newer.hostId } : {}),
      hostname: newer?.host ?? "unknown",
      root: newer?.root ?? "/",
      live: false,
    },
    at: newer?.finishedAt ?? now,
    lang,
    findings: [...d.new, ...d.changed.map((c) => c.after)],
    sections: {
      diff: {
        from: d.from,
        to: d.to,
        new: d.new.map(row),
        changed: d.changed.map((c) => ({
          id: c.after.id,
          changes: c.changes,
          before: {
            severity: c.before.severity,
            confidence: c.before.confidence,
            evidence: c.before.evidence,
          },
        })),
        resolved: d.resolved.map(row),
        unchanged: d.unchanged,
      },
    },
  });
}
