import type { Finding, Severity } from "../core/finding.ts";
import { SEVERITIES, severityRank } from "../core/finding.ts";
import type { Translator } from "../i18n/index.ts";
import { escapeTerminal } from "../report/escape.ts";
import { evidenceText } from "../report/formats/human.ts";
import { renderFinding } from "../report/localize.ts";

export type MessageKind = "alert" | "digest";

/** One message about some findings, before it is shaped for a medium. Texts are raw: each medium escapes. */
export interface AlertMessage {
  kind: MessageKind;
  host: string;
  scanId?: string;
  at: string;
  lang: string;
  findings: Finding[];
}

const MAX_LISTED = 20;

function highest(findings: Finding[]): Severity {
  let best: Severity = "info";
  for (const f of findings) if (severityRank(f.severity) > severityRank(best)) best = f.severity;
  return best;
}

/** One line, no control characters, no line breaks: safe in a mail header, a terminal, a plain-text block. */
export function plain(s: string): string {
  return escapeTerminal(s);
}

export function subjectOf(m: AlertMessage, t: Translator): string {
  return m.kind === "digest"
    ? t("watch.digest.subject", { host: plain(m.host), count: m.findings.length })
    : t("watch.alert.subject", {
        host: plain(m.host),
        count: m.findings.length,
        severity: t(`severity.${highest(m.findings)}`),
      });
}

/** The body as lines of plain text (already escaped with `esc`, which each medium chooses). */
export function bodyLines(m: AlertMessage, t: Translator, esc: (s: string) => string): string[] {
  const lines: string[] = [];
  lines.push(
    m.kind === "digest"
      ? t("watch.digest.intro", { host: esc(m.host) })
      : t("watch.alert.intro", { host: esc(m.host), count: m.findings.length, at: m.at }),
  );
  lines.push("");
  const sorted = [...m.findings].sort(
    (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.id.localeCompare(b.id),
  );
  for (const keyed of sorted.slice(0, MAX_LISTED)) {
    const f = renderFinding(keyed, t);
    lines.push(`[${t(`severity.${f.severity}`)}] ${esc(f.title)} (${t(`confidence.${f.confidence}`)})`);
    for (const e of f.evidence.slice(0, 3)) lines.push(`    ${esc(evidenceText(e))}`);
    if (f.remediation) lines.push(`    ${t("report.next")}: ${esc(f.remediation)}`);
    lines.push(`    id: ${esc(f.id)}`);
  }
  if (sorted.length > MAX_LISTED) lines.push(t("watch.alert.more", { count: sorted.length - MAX_LISTED }));
  lines.push("", t("watch.alert.footer"));
  return lines;
}

/** E-mail plain text: control characters escaped (attacker text cannot forge lines or headers). */
export function emailText(m: AlertMessage, t: Translator): { subject: string; text: string } {
  return { subject: subjectOf(m, t), text: `${bodyLines(m, t, plain).join("\n")}\n` };
}

/** Slack's own escaping (&, <, >) plus markup characters broken with a zero-width space, so a title
 *  cannot mention @channel, link, or format. The body goes in plain_text blocks, which Slack never parses. */
export function slackEscape(s: string): string {
  return plain(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([*_~`|])/g, "\u200b$1\u200b");
}

/** Discord Markdown: every markup character backslash-escaped; @ broken so nobody is pinged. */
export function discordEscape(s: string): string {
  return plain(s)
    .replace(/[\\*_~`|>#[\]()<:-]/g, "\\$&")
    .replace(/@/g, "@\u200b");
}

export function slackPayload(m: AlertMessage, t: Translator): unknown {
  const subject = subjectOf(m, t);
  const body = bodyLines(m, t, plain).join("\n");
  return {
    text: slackEscape(subject),
    blocks: [
      { type: "header", text: { type: "plain_text", text: subject.slice(0, 150), emoji: false } },
      { type: "section", text: { type: "plain_text", text: body.slice(0, 2900), emoji: false } },
    ],
  };
}

export function discordPayload(m: AlertMessage, t: Translator): unknown {
  const content = [`**${discordEscape(subjectOf(m, t))}**`, ...bodyLines(m, t, discordEscape)].join("\n");
  return { content: content.slice(0, 1990), allowed_mentions: { parse: [] } };
}

/** Generic webhook: the findings as data (JSON.stringify escapes), plus the sentences for a human. */
export function jsonPayload(m: AlertMessage, t: Translator): unknown {
  return {
    schemaVersion: 1,
    tool: "mamori",
    kind: m.kind,
    host: m.host,
    scanId: m.scanId,
    at: m.at,
    lang: m.lang,
    subject: subjectOf(m, t),
    text: bodyLines(m, t, plain).join("\n"),
    findings: m.findings
      .map((keyed) => renderFinding(keyed, t))
      .map((f) => ({
        id: f.id,
        check: f.check,
        severity: f.severity,
        confidence: f.confidence,
        title: f.title,
        detail: f.detail,
        cves: f.cves,
        evidence: f.evidence,
        remediation: f.remediation,
      })),
  };
}
