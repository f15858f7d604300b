import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Severity } from "../../core/finding.ts";
import { renderText } from "../../core/message.ts";
import { gapsOf } from "../coverage.ts";
import { jsonOutput } from "../escape.ts";
import { type RenderedFinding, renderDocument } from "../localize.ts";
import type { Renderer } from "../types.ts";

// GitHub code scanning reads "security-severity" (0-10) to rank alerts.
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

const LEVEL: Record<Severity, "error" | "warning" | "note" | "none"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "none",
};

/**
 * Text for a SARIF plain-text message: SARIF reads `[text](target)` there as a link (§3.11.6), so the
 * brackets and backslashes of attacker text (a request, a client) are escaped as it requires.
 */
export function sarifText(s: string): string {
  return s.replace(/[\\[\]]/g, "\\$&");
}

/** A file URI for an absolute path (`#`, `?`, `%` and spaces encoded); a relative path stays relative. */
export function artifactUri(p: string): string {
  if (path.posix.isAbsolute(p)) return pathToFileURL(p).href;
  return p.split("/").map(encodeURIComponent).join("/");
}

function locations(f: RenderedFinding) {
  return f.evidence
    .filter((e) => e.path)
    .slice(0, 10)
    .map((e) => ({
      physicalLocation: {
        artifactLocation: { uri: artifactUri(e.path as string) },
        ...(e.line ? { region: { startLine: e.line } } : {}),
      },
      ...(e.value ? { message: { text: sarifText(e.value) } } : {}),
    }));
}

export const sarif: Renderer = {
  name: "sarif",
  render(keyed, opts) {
    const doc = renderDocument(keyed, opts.t);
    const checks = [...new Set(doc.findings.map((f) => f.check))].sort();
    const worst = new Map<string, RenderedFinding>();
    for (const f of doc.findings) if (!worst.has(f.check)) worst.set(f.check, f); // findings arrive sorted, worst first
    const rules = checks.map((check) => {
      const f = worst.get(check) as RenderedFinding;
      return {
        id: check,
        name: check.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")),
        shortDescription: { text: check },
        defaultConfiguration: { level: LEVEL[f.severity] },
        properties: { "security-severity": SECURITY_SEVERITY[f.severity], tags: ["security"] },
      };
    });
    const results = doc.findings.map((f) => ({
      ruleId: f.check,
      ruleIndex: checks.indexOf(f.check),
      level: LEVEL[f.severity],
      message: { text: sarifText([f.title, f.detail, f.remediation].filter(Boolean).join("\n")) },
      locations: locations(f),
      partialFingerprints: { mamoriFindingId: f.id },
      properties: {
        severity: f.severity,
        confidence: f.confidence,
        "security-severity": SECURITY_SEVERITY[f.severity],
        cves: f.cves,
      },
    }));
    const log = {
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: "mamori",
              version: doc.tool.version,
              rules,
            },
          },
          results,
          // Incidents join several results; SARIF has no such object, so they ride in the run's property bag.
          properties: {
            incidents: doc.incidents.map((i) => ({
              id: i.id,
              title: i.title,
              severity: i.severity,
              confidence: i.confidence,
              summary: i.summary,
              startedAt: i.startedAt,
              findingIds: i.findingIds,
            })),
          },
          invocations: [
            {
              executionSuccessful: true,
              // The questions the run could not answer first (no logs read, a target not probed): a
              // code-scanning view with no results must not read as "clean".
              toolExecutionNotifications: [
                ...gapsOf(keyed).map((g) => ({
                  level: "warning",
                  descriptor: { id: "coverage-gap" },
                  message: {
                    text: sarifText(
                      `${renderText(g.text, opts.t)}${g.how ? `: ${renderText(g.how, opts.t)}` : ""}`,
                    ),
                  },
                })),
                ...doc.notChecked.map((n) => ({
                  level: "warning",
                  message: {
                    text: sarifText(`${n.area}${n.path ? ` ${n.path}` : ""}: ${n.detail ?? n.reason}`),
                  },
                })),
              ],
            },
          ],
        },
      ],
    };
    return jsonOutput(log);
  },
};
