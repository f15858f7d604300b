import { cutText } from "../core/cut.ts";
import type { Incident } from "../core/document.ts";
import type { Finding, Severity } from "../core/finding.ts";
import { severityRank, sortFindings } from "../core/finding.ts";
import type { Translator } from "../i18n/index.ts";
import { escapeTerminal } from "../report/escape.ts";
import { evidenceText } from "../report/formats/human.ts";
import { renderFinding, renderIncident } from "../report/localize.ts";
import { localizeTime, zonedTranslator } from "../report/time-format.ts";

export type MessageKind = "alert" | "digest";

/** One message about some findings, before it is shaped for a medium. Texts are raw: each medium escapes. */
export interface AlertMessage {
  kind: MessageKind;
  host: string;
  scanId?: string;
  at: string;
  lang: string;
  findings: Finding[];
  /** Incidents these findings are part of: told first, before any finding. */
  incidents?: Incident[];
  /** The reader's IANA zone (resolved once where alerts are dispatched); times in the text are local. */
  timeZone?: string;
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

/** The parts of a message body, each already escaped with the medium's `esc`. */
export interface BodyParts {
  head: string[];
  /** One block of lines per finding, in the order to show them (the incident's own findings first). */
  blocks: string[][];
  /** "... and N more." for N findings left out. */
  more: (n: number) => string;
  foot: string[];
}

/** What happened comes first: the incidents' findings, then the rest as the report orders them. */
function ordered(m: AlertMessage): Finding[] {
  const inIncident = new Set((m.incidents ?? []).flatMap((i) => i.findingIds));
  const sorted = sortFindings(m.findings);
  return [...sorted.filter((f) => inIncident.has(f.id)), ...sorted.filter((f) => !inIncident.has(f.id))];
}

export function bodyParts(m: AlertMessage, keyT: Translator, esc: (s: string) => string): BodyParts {
  // Times for a person: local with the zone, as in the terminal report (`at` stays UTC ISO in JSON).
  const t = zonedTranslator(keyT, m.timeZone);
  const head: string[] = [
    m.kind === "digest"
      ? t("watch.digest.intro", { host: esc(m.host) })
      : t("watch.alert.intro", {
          host: esc(m.host),
          count: m.findings.length,
          at: localizeTime(m.at, m.timeZone),
        }),
  ];
  for (const inc of m.incidents ?? []) {
    const r = renderIncident(inc, t);
    head.push(
      t("alert.incident", {
        severity: t(`severity.${r.severity}`),
        title: esc(r.title),
        summary: esc(r.summary),
      }),
    );
  }
  head.push("");
  const blocks = ordered(m).map((keyed) => {
    const f = renderFinding(keyed, t);
    const lines = [`[${t(`severity.${f.severity}`)}] ${esc(f.title)} (${t(`confidence.${f.confidence}`)})`];
    for (const e of f.evidence.slice(0, 3)) lines.push(`    ${esc(evidenceText(e, m.timeZone))}`);
    if (f.remediation) lines.push(`    ${t("report.next")}: ${esc(f.remediation)}`);
    lines.push(`    id: ${esc(f.id)}`);
    return lines;
  });
  return {
    head,
    blocks,
    more: (n) => t("watch.alert.more", { count: n }),
    foot: ["", t("watch.alert.footer")],
  };
}

/**
 * As many finding blocks as fit in `limit` (measured by `size` over the joined text), at most `maxBlocks`,
 * with "... and N more" when some were left out. A block too long alone is cut to what fits, marked "…".
 */
export function fitBody(
  parts: BodyParts,
  limit: number,
  size: (text: string) => number = (s) => s.length,
  maxBlocks = MAX_LISTED,
): { text: string; shown: number; left: number } {
  const join = (blocks: string[][], more?: string) =>
    [...parts.head, ...blocks.flat(), ...(more ? [more] : []), ...parts.foot].join("\n");
  const shown: string[][] = [];
  const total = parts.blocks.length;
  for (const block of parts.blocks.slice(0, maxBlocks)) {
    const left = total - shown.length - 1;
    if (size(join([...shown, block], left > 0 ? parts.more(left) : undefined)) <= limit) {
      shown.push(block);
      continue;
    }
    if (shown.length === 0) {
      // Not even the first finding fits whole: its first line, cut, so the most important one is named.
      const more = total > 1 ? parts.more(total - 1) : undefined;
      const fits = (x: string) => size(join([[`${x}\u2026`]], more)) <= limit;
      const cut = longestPrefix(block[0] ?? "", fits);
      if (cut.length >= 20) shown.push([`${cut}\u2026`]);
    }
    break;
  }
  const left = total - shown.length;
  let text = join(shown, left > 0 ? parts.more(left) : undefined);
  // The head alone may be over a tiny limit: never send more than the medium takes.
  if (size(text) > limit) text = `${longestPrefix(text, (x) => size(`${x}\u2026`) <= limit)}\u2026`;
  return { text, shown: shown.length, left };
}

function cutTo(s: string, limit: number, size: (s: string) => number): string {
  return size(s) <= limit ? s : longestPrefix(s, (x) => size(x) <= limit);
}

/** The longest prefix of `s` that `fits` (a growing prefix never fits better), not splitting a character. */
function longestPrefix(s: string, fits: (prefix: string) => boolean): string {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(s.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  // Never split a surrogate pair.
  const end = lo > 0 && /[\ud800-\udbff]/.test(s[lo - 1] ?? "") ? lo - 1 : lo;
  return s.slice(0, Math.max(0, end));
}

/**
 * The body as lines of plain text (already escaped with `esc`, which each medium chooses), fitted to
 * `limit` characters: findings carry attacker text (a command line can be megabytes), and a message
 * padded past the mail server's size limit would be refused on every scan, the alert never delivered.
 */
export function bodyLines(
  m: AlertMessage,
  t: Translator,
  esc: (s: string) => string,
  limit: number = LIMITS.emailChars,
): string[] {
  return fitBody(bodyParts(m, t, esc), limit).text.split("\n");
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

/**
 * What each service takes in one message (their documented limits): Slack 50 blocks, 3000 characters a
 * section, 150 a header, 40,000 of text; Discord 2000 characters of content; Teams 28 KB of payload;
 * Chatwork 65,535 characters of body. Messages are fitted below them, never cut by the service.
 */
export const LIMITS = {
  slackBlocks: 50,
  slackSection: 3000,
  slackHeader: 150,
  slackText: 40_000,
  discordContent: 2000,
  teamsBytes: 28 * 1024,
  chatworkChars: 65_535,
  /** Ours: e-mail and the generic webhook's text (mail servers refuse messages from about 10 MB). */
  emailChars: 256 * 1024,
  /** Ours: findings the generic webhook lists as data, and characters of each of their texts. */
  jsonFindings: 200,
  jsonField: 8192,
} as const;

export function slackPayload(m: AlertMessage, t: Translator): unknown {
  const subject = subjectOf(m, t);
  const parts = bodyParts(m, t, plain);
  const section = (text: string) => ({
    type: "section",
    text: {
      type: "plain_text",
      text: cutTo(text, LIMITS.slackSection - 1, (x) => x.length) || " ",
      emoji: false,
    },
  });
  const head = parts.head.join("\n").trim();
  // Header, intro with the incidents, the findings that fit, and the "more" line with the footer.
  const room = LIMITS.slackBlocks - 3;
  const budget = LIMITS.slackText - subject.length - head.length - 400;
  const findings: string[] = [];
  let used = 0;
  for (const block of parts.blocks.slice(0, room)) {
    const text = cutTo(block.join("\n"), LIMITS.slackSection - 1, (x) => x.length);
    if (used + text.length > budget) break;
    findings.push(text);
    used += text.length;
  }
  const left = parts.blocks.length - findings.length;
  const tail = [...(left > 0 ? [parts.more(left)] : []), ...parts.foot].join("\n").trim();
  return {
    text: slackEscape(subject),
    blocks: [
      {
        type: "header",
        text: { type: "plain_text", text: subject.slice(0, LIMITS.slackHeader), emoji: false },
      },
      section(head),
      ...findings.map(section),
      section(tail),
    ],
  };
}

export function discordPayload(m: AlertMessage, t: Translator): unknown {
  const title = `**${discordEscape(subjectOf(m, t))}**`;
  const body = fitBody(bodyParts(m, t, discordEscape), LIMITS.discordContent - title.length - 1);
  return { content: `${title}\n${body.text}`, allowed_mentions: { parse: [] } };
}

/**
 * Microsoft Teams (a Workflows or connector webhook): an Adaptive Card of RichTextBlocks, whose TextRuns
 * are shown as they are (no Markdown, no mentions): attacker text cannot format or ping.
 */
export function teamsPayload(m: AlertMessage, t: Translator): unknown {
  const subject = plain(subjectOf(m, t));
  const card = (text: string) => ({
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          msteams: { width: "Full" },
          body: [
            {
              type: "RichTextBlock",
              inlines: [{ type: "TextRun", text: subject, weight: "Bolder", size: "Medium" }],
            },
            ...text.split("\n").map((line) => ({
              type: "RichTextBlock",
              inlines: [{ type: "TextRun", text: line || " " }],
            })),
          ],
        },
      },
    ],
  });
  const size = (text: string) => Buffer.byteLength(JSON.stringify(card(text)));
  return card(fitBody(bodyParts(m, t, plain), LIMITS.teamsBytes - 512, size, 50).text);
}

/** Chatwork markup ([To:1], [toall], [info], ...) broken with a zero-width space: nobody is pinged. */
export function chatworkEscape(s: string): string {
  return plain(s).replace(/\[/g, "[\u200b");
}

/** The Chatwork message body: our own [info][title] frame around escaped text. */
export function chatworkBody(m: AlertMessage, t: Translator): string {
  const wrap = (text: string) => `[info][title]${chatworkEscape(subjectOf(m, t))}[/title]${text}[/info]`;
  const body = fitBody(bodyParts(m, t, chatworkEscape), LIMITS.chatworkChars, (x) => wrap(x).length, 50);
  return wrap(body.text);
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
    // Bounded as the text is: the most severe first (findings arrive sorted), each text cut.
    findings: m.findings
      .slice(0, LIMITS.jsonFindings)
      .map((keyed) => renderFinding(keyed, t))
      .map((f) => ({
        id: cutText(f.id, LIMITS.jsonField),
        check: f.check,
        severity: f.severity,
        confidence: f.confidence,
        title: cutText(f.title, LIMITS.jsonField),
        detail: f.detail === undefined ? undefined : cutText(f.detail, LIMITS.jsonField),
        cves: f.cves.slice(0, 50),
        evidence: f.evidence
          .slice(0, 10)
          .map((e) => (e.value === undefined ? e : { ...e, value: cutText(e.value, LIMITS.jsonField) })),
        remediation: f.remediation === undefined ? undefined : cutText(f.remediation, LIMITS.jsonField),
      })),
    ...(m.findings.length > LIMITS.jsonFindings
      ? { findingsLeft: m.findings.length - LIMITS.jsonFindings }
      : {}),
  };
}
