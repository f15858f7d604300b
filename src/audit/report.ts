import { hostname } from "node:os";
import { collectHost } from "../collect/host.ts";
import { RootFs } from "../collect/rootfs.ts";
import type { NotChecked } from "../core/diagnostics.ts";
import { type HostInfo, type ReportDocument, SCHEMA_VERSION } from "../core/document.ts";
import { type Finding, sortFindings } from "../core/finding.ts";
import type { ReportSections } from "../core/sections/index.ts";
import { toolVersion } from "../core/version.ts";
import type { Lang } from "../i18n/index.ts";

/** This machine, for reports about something seen from here (a probe of remote servers, the history). */
export function localHost(): HostInfo {
  return collectHost(new RootFs("/"), hostname);
}

/**
 * The one report shape for a command that does not run the checkup areas (`probe`, `diff`, `history`):
 * its own section, and findings when it has any, so every renderer reads it like an audit's.
 */
export function commandReport(o: {
  command: string;
  host: HostInfo;
  at: Date | string;
  lang: Lang;
  findings?: Finding[];
  notChecked?: NotChecked[];
  sections: ReportSections;
}): ReportDocument {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "mamori", version: toolVersion() },
    command: o.command,
    host: o.host,
    scannedAt: typeof o.at === "string" ? o.at : o.at.toISOString(),
    lang: o.lang,
    findings: sortFindings(o.findings ?? []),
    incidents: [],
    notChecked: o.notChecked ?? [],
    warnings: [],
    sections: o.sections,
  };
}
