import type { ReportDocument } from "../../core/document.ts";
import type { ProbeSection } from "../../core/sections/index.ts";
import type { MessageKey } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../escape.ts";
import type { RenderOptions } from "../types.ts";

type ProbeCheck = ProbeSection["targets"][number]["checks"][number];
type ProbeEvidence = ProbeCheck["evidence"][number];

const COLOR: Record<ProbeCheck["verdict"], string> = {
  vulnerable: "\x1b[1;31m",
  "not-vulnerable": "\x1b[32m",
  inconclusive: "\x1b[33m",
};
const RESET = "\x1b[0m";

export function evidenceLine(e: ProbeEvidence): string {
  const status = e.status === undefined ? "-" : String(e.status);
  return `${e.method} ${e.path} -> ${status} (${e.bytes} B)${e.note ? `  ${e.note}` : ""}`;
}

/** Terminal text: per target, each check's verdict, its summary and the requests behind it (server text escaped). */
export function probeHuman(report: ReportDocument, { t, color }: RenderOptions): string {
  const doc = report.sections.probe ?? { targets: [] };
  const out: string[] = [];
  const vulnerable = doc.targets.reduce(
    (n, x) => n + x.checks.filter((c) => c.verdict === "vulnerable").length,
    0,
  );
  const errors = doc.targets.filter((x) => x.error).length;
  out.push(t("exposure.probe.summary", { targets: doc.targets.length, vulnerable, errors }), "");
  for (const target of doc.targets) {
    out.push(
      `■ ${esc(target.url)}${target.finalUrl ? `  (${t("exposure.probe.finalUrl")} ${esc(target.finalUrl)})` : ""}`,
    );
    if (target.error) {
      out.push(`  ! ${esc(target.error)}`, "");
      continue;
    }
    for (const c of target.checks) {
      const label = `[${t(`exposure.probe.verdict.${c.verdict}` as MessageKey)}]`;
      const painted = color ? `${COLOR[c.verdict]}${label}${RESET}` : label;
      out.push(
        `  ${painted} ${t(`exposure.probe.check.${c.id}` as MessageKey)}  (${t("exposure.probe.confidence")}: ${t(`confidence.${c.confidence}`)})`,
      );
      if (c.summary) out.push(`      ${esc(c.summary)}`);
      const shown = c.verdict === "not-vulnerable" ? c.evidence.slice(0, 3) : c.evidence.slice(0, 12);
      for (const e of shown) out.push(`      - ${esc(evidenceLine(e))}`);
      if (c.evidence.length > shown.length) out.push(`      - … (+${c.evidence.length - shown.length})`);
    }
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
