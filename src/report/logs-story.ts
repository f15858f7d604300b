/** Human output of `mamori logs`: the story first, then a table per attacker. Every log byte escaped. */

import type { AttackerSummary } from "../checks/logs/analyze.ts";
import type { ReportDocument } from "../core/document.ts";
import { byCodeUnit } from "../core/order.ts";
import type { LogsSection } from "../core/sections/logs.ts";
import { OTHER_CLIENTS } from "../facts/log-lines.ts";
import { isMessageKey } from "../i18n/index.ts";
import { gapsOf } from "./coverage.ts";
import { escapeTerminal as esc } from "./escape.ts";
import { renderDocument } from "./localize.ts";
import { localizeTime } from "./time-format.ts";
import type { RenderOptions } from "./types.ts";
import { gapText } from "./verdict.ts";

/** A log time as the rest of the report shows times: the reader's zone, seconds, no "T". */
function when(iso: string | undefined, opts: RenderOptions): string {
  return esc(localizeTime(iso ?? "?", opts.timeZone));
}

/** Files listed one by one under "Files read" (all with --verbose; the JSON output has every one). */
const MAX_FILES_SHOWN = 20;

const RED = "\x1b[1;31m";
const RESET = "\x1b[0m";
/** Attackers named one by one in the story (an incident log can have thousands); the rest are counted. */
const MAX_LISTED = 30;
/** Attacker tables shown at least (the busiest background probers stand as examples). */
const MAX_NOISE_TABLES = 3;

export function renderLogsStory(keyed: ReportDocument, opts: RenderOptions): string {
  const doc = renderDocument(keyed, opts.t);
  const { t, color } = opts;
  const s = doc.sections.logs;
  const out: string[] = [];
  if (!s) return "\n";
  // What could not be read comes first: "no attempts in 4200 lines" is only true of lines mamori could read.
  for (const g of gapsOf(keyed)) out.push(esc(t("verdict.incomplete", { gap: gapText(g, t), more: "" })));
  const read = s.files.filter((f) => f.format !== "unknown");
  const totalLines = read.reduce((n, f) => n + f.lines, 0);
  // Severity by evidence: attacks whose every line failed or was refused are background noise, said in
  // one line (reports written before outcomes were counted per attack list every attack).
  const counted = s.attacks.every((a) => a.unknown !== undefined);
  const loud = (a: (typeof s.attacks)[number]) =>
    !counted || a.succeeded > 0 || (a.unknown ?? 0) > 0 || (a.shellFailed ?? 0) > 0;
  // A probe for secrets that got the file is told with the attacks: the file is out.
  const exposed = (a: (typeof s.attacks)[number]) => a.attack.startsWith("recon-") && a.succeeded > 0;
  const exploitAttacks = s.attacks.filter((a) => (!a.attack.startsWith("recon-") || exposed(a)) && loud(a));
  const recon = s.attacks.filter((a) => a.attack.startsWith("recon-") && !exposed(a) && loud(a));
  const noise = counted ? s.noise : undefined;
  // A client that guessed a password got in: said first, and "no attempts" is not said beside it.
  const probing = s.probing ?? [];
  const wonBy = new Set(probing.filter((p) => p.outcome === "succeeded" && p.won).map((p) => p.scenario));
  // Who got in, before anything else: the first line is what an operator reads and acts on.
  const inside = new Set<string>();
  const exposedTo = new Set<string>();
  for (const x of s.attackers)
    for (const y of x.attacks)
      if (y.outcome === "succeeded") (y.attack.startsWith("recon-") ? exposedTo : inside).add(x.ip);
  for (const p of probing) if (p.won) inside.add(p.ip);
  const shells = new Set(s.events.filter((e) => e.why === "shell-ran-command-failed").map((e) => e.ip));
  for (const ip of inside) {
    shells.delete(ip);
    exposedTo.delete(ip);
  }
  const parts = [
    ...(inside.size > 0 ? [t("logs.story.headlineIn", { count: inside.size })] : []),
    ...(exposedTo.size > 0 ? [t("logs.story.headlineExposed", { count: exposedTo.size })] : []),
    ...(shells.size > 0 ? [t("logs.story.headlineShells", { count: shells.size })] : []),
  ];
  if (parts.length > 0) {
    const line = t("logs.story.headline", { parts: parts.join(t("logs.story.headlineJoin")) });
    out.push(color ? `${RED}${line}${RESET}` : line);
  }
  out.push(
    ...probingLines(
      probing.filter((p) => wonBy.has(p.scenario)),
      opts,
    ),
  );
  if (exploitAttacks.length === 0 && read.length > 0 && !noise?.requests && wonBy.size === 0)
    out.push(t("logs.story.none", { files: read.length, lines: totalLines }));
  const told = exploitAttacks.length > 0 || wonBy.size > 0;
  if (noise && noise.requests > 0 && !told) out.push(t("logs.story.noise", noise));
  for (const a of exploitAttacks) {
    const name = esc(a.cves[0] ?? a.name?.[opts.lang] ?? a.attack);
    out.push(t("logs.story.attack", { attackers: a.attackers, attack: name, events: a.events }));
    const winners = s.attackers.filter((x) =>
      x.attacks.some((y) => y.attack === a.attack && y.outcome === "succeeded"),
    );
    // Reached a shell, command failed: not a success, still raised (a critical exposure).
    const shells = s.events.filter((e) => e.attack === a.attack && e.why === "shell-ran-command-failed");
    const shellIps = new Set<string>();
    for (const e of shells) {
      if (winners.some((w) => w.ip === e.ip) || shellIps.has(e.ip) || shellIps.size >= MAX_LISTED) continue;
      shellIps.add(e.ip);
      const line = t("logs.story.shellFailed", { ip: esc(e.ip), time: when(e.time, opts), attack: name });
      out.push(color ? `${RED}${line}${RESET}` : line);
    }
    if (winners.length === 0 && shellIps.size === 0) out.push(t("logs.story.noSuccess"));
    // A log cannot show whether a JNDI lookup or a PHP payload ran; the host's own facts can.
    if (winners.length === 0 && (a.unknown ?? 0) > 0 && a.runtime && doc.command === "logs")
      out.push(t("logs.story.needsRuntime", { runtime: a.runtime === "java" ? "Java" : "PHP" }));
    // In the order they got in (the first break-in first), as a timeline reads.
    const listed = winners
      .map((w) => {
        const ev = s.events.find((e) => e.ip === w.ip && e.attack === a.attack && e.outcome === "succeeded");
        // The events shown are capped and hold no tallies: the attacker's summary keeps the attack's first success.
        const time = ev?.time ?? w.attacks.find((x) => x.attack === a.attack)?.firstSuccess;
        return { w, ev, time };
      })
      // Within one second (a log's resolution), in the order the log wrote them.
      .sort(
        (x, y) =>
          byCodeUnit(x.time ?? "\uffff", y.time ?? "\uffff") ||
          byCodeUnit(x.ev?.file ?? "", y.ev?.file ?? "") ||
          (x.ev?.line ?? 0) - (y.ev?.line ?? 0) ||
          byCodeUnit(x.w.ip, y.w.ip),
      );
    for (const { w, ev, time } of listed.slice(0, MAX_LISTED)) {
      const shell = /\/(?:ba)?sh$/.test(ev?.request.split(" ")[1] ?? "") || ev?.why === "cgi-ran";
      // Clients past the engine's bounds are counted together: said so, not as one address.
      const key =
        w.ip === OTHER_CLIENTS
          ? "logs.story.successOthers"
          : shell
            ? "logs.story.successShell"
            : "logs.story.success";
      const line = t(key, {
        ip: esc(w.ip),
        time: when(time, opts),
        attack: name,
      });
      out.push(color ? `${RED}${line}${RESET}` : line);
    }
    if (winners.length > MAX_LISTED) out.push(`    … (+${winners.length - MAX_LISTED})`);
  }
  if (recon.length > 0) {
    const ids = new Set(recon.map((a) => a.attack));
    const ips = new Set(s.events.filter((e) => ids.has(e.attack)).map((e) => e.ip));
    out.push(t("logs.story.recon", { count: recon.reduce((n, a) => n + a.events, 0), attackers: ips.size }));
  }
  out.push(
    ...probingLines(
      probing.filter((p) => !wonBy.has(p.scenario)),
      opts,
    ),
  );
  // Beside attacks told above, the failed background is said after them, as "also".
  if (noise && noise.requests > 0 && told) out.push(t("logs.story.noiseAlso", noise));
  const won = s.attackers.filter((x) => x.outcome === "succeeded");
  if (won.some((w) => (w.next.length > 0 ? w.next : w.after).length > 0)) out.push(t("logs.story.nextTitle"));
  for (const w of won.slice(0, MAX_LISTED)) {
    const later = w.next.length > 0 ? w.next : w.after;
    if (later.length > 0) {
      out.push(t("logs.story.next", { ip: esc(w.ip) }));
      for (const a of later.slice(0, 10))
        out.push(`    ${when(a.time, opts)}  ${esc(a.request.slice(0, 200))}`);
      if (later.length > 10) out.push(`    … (+${later.length - 10})`);
    }
    const ind = [...w.indicators.urls, ...w.indicators.ips, ...w.indicators.files];
    if (ind.length > 0) out.push(t("logs.story.indicators", { list: esc(ind.slice(0, 15).join(", ")) }));
  }
  if (won.length > MAX_LISTED) out.push(`    … (+${won.length - MAX_LISTED})`);
  out.push("");
  // Tables for the attackers of the attacks told above; the noise's busiest few stand as examples.
  const listed = new Set(exploitAttacks.map((a) => a.attack));
  const tabled = s.attackers.filter((x) => x.attacks.some((y) => listed.has(y.attack))).slice(0, 50);
  if (tabled.length < MAX_NOISE_TABLES)
    for (const x of s.attackers) {
      if (tabled.length >= MAX_NOISE_TABLES) break;
      if (!tabled.includes(x) && x.attacks.some((y) => !y.attack.startsWith("recon-"))) tabled.push(x);
    }
  for (const a of tabled) out.push(...attackerTable(a, opts), "");
  out.push(`${t("logs.files.title")}:`);
  // A directory of years of daily logs is thousands of files: those with something to say (lines
  // skipped, only their end read) first, then the first others, up to MAX_FILES_SHOWN; the rest counted.
  const noted = (f: (typeof s.files)[number]) =>
    f.skippedBytes > 0 || f.formatSource === "none" || Object.keys(f.skipped).length > 0;
  const shown = new Set(opts.verbose ? s.files : s.files.filter(noted).slice(0, MAX_FILES_SHOWN));
  for (const f of s.files) if (shown.size < MAX_FILES_SHOWN && !shown.has(f)) shown.add(f);
  for (const f of s.files) {
    if (!shown.has(f)) continue;
    const parts = [
      t("logs.files.line", {
        path: esc(f.path),
        format: esc(f.format),
        source: t(`logs.source.${f.formatSource}`),
        lines: f.lines,
      }),
    ];
    for (const [reason, count] of Object.entries(f.skipped))
      parts.push(t("logs.files.skipped", { count, reason: reasonOf(reason, t) }));
    if (f.skippedBytes > 0)
      parts.push(t("logs.files.tail", { mb: Math.round((s.tailBytes ?? 0) / 2 ** 20) }));
    out.push(`  ${parts.join("; ")}`);
    for (const w of f.warnings.slice(0, 5))
      out.push(
        `    ${t("logs.warn.skipped", { path: esc(f.path), line: w.line ?? "?", reason: reasonOf(w.reason, t) })}`,
      );
  }
  const rest = s.files.filter((f) => !shown.has(f));
  if (rest.length > 0) {
    const params = {
      count: rest.length,
      lines: rest.reduce((n, f) => n + f.lines, 0),
      noted: rest.filter(noted).length,
    };
    out.push(`  ${t(params.noted > 0 ? "logs.files.moreNoted" : "logs.files.more", params)}`);
  }
  for (const u of s.unreadable)
    out.push(`  ${t("logs.warn.open", { path: esc(u.path), reason: esc(u.reason) })}`);
  return `${out.join("\n").trimEnd()}\n`;
}

/** One line per behaviour scenario: how many addresses were probing so, with how many requests. */
function probingLines(list: NonNullable<LogsSection["probing"]>, opts: RenderOptions): string[] {
  const { t, color } = opts;
  const by = new Map<string, { ips: number; requests: number; quiet: number; won: boolean }>();
  for (const p of list) {
    const g = by.get(p.scenario) ?? { ips: 0, requests: 0, quiet: 0, won: false };
    g.ips++;
    g.requests += p.requests;
    g.quiet += p.quiet ?? 0;
    g.won ||= p.outcome === "succeeded";
    by.set(p.scenario, g);
  }
  return [...by].flatMap(([id, g]) => {
    const key = `logs.scenario.${id}`;
    // Lines no rule flags alone are why the behaviour matters: say how many of the requests they are.
    const head = t(g.quiet > 0 ? "logs.story.probingQuiet" : "logs.story.probing", {
      name: isMessageKey(key) ? t(key) : esc(id),
      attackers: g.ips,
      requests: g.requests,
      quiet: Math.min(g.quiet, g.requests),
      outcome: t(g.won ? "logs.outcome.succeeded" : "logs.story.probingNone"),
    });
    // Who got in, each on a line of its own: the line an operator acts on.
    const winners = list.filter((p) => p.scenario === id && p.won);
    const lines = winners.slice(0, MAX_LISTED).flatMap((p) => {
      const line = t("logs.story.probingWon", {
        ip: esc(p.ip),
        time: when(p.won?.time, opts),
        tries: p.won?.after ?? p.requests,
        target: esc(p.won?.target ?? ""),
        status: p.won?.status ?? "-",
      });
      const later = p.next ?? [];
      return [
        color ? `${RED}${line}${RESET}` : line,
        ...(later.length > 0 ? [t("logs.story.next", { ip: esc(p.ip) })] : []),
        ...later.slice(0, 10).map((a) => `    ${when(a.time, opts)}  ${esc(a.request.slice(0, 200))}`),
        ...(later.length > 10 ? [`    … (+${later.length - 10})`] : []),
      ];
    });
    if (winners.length > MAX_LISTED) lines.push(`    … (+${winners.length - MAX_LISTED})`);
    return [head, ...lines];
  });
}

/** A skip reason in the report language (unknown codes, e.g. errno names, as they are). */
export function reasonOf(reason: string, t: RenderOptions["t"]): string {
  const key = `logs.reason.${reason}`;
  return isMessageKey(key) ? t(key) : esc(reason);
}

/** Terminal columns of a string: East Asian wide characters take two. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
      ch,
    )
      ? 2
      : 1;
  return w;
}

function padEnd(s: string, n: number): string {
  return s + " ".repeat(Math.max(0, n - width(s)));
}

function padStart(s: string, n: number): string {
  return " ".repeat(Math.max(0, n - width(s))) + s;
}

function attackerTable(a: AttackerSummary, opts: RenderOptions): string[] {
  const { t } = opts;
  const rows: string[] = [];
  rows.push(
    `■ ${a.ip === OTHER_CLIENTS ? t("logs.table.others") : esc(a.ip)}  ${t("logs.table.first")}: ${when(a.firstSeen, opts)}  ${t("logs.table.last")}: ${when(a.lastSeen, opts)}  ${t("logs.table.requests")}: ${a.requests}`,
  );
  rows.push(
    `  ${padEnd(t("logs.table.attack"), 28)} ${padStart(t("logs.table.requests"), 8)}  ${t("logs.table.outcome")}`,
  );
  for (const x of a.attacks)
    rows.push(
      `  ${padEnd(esc(x.cves[0] ?? x.attack), 28)} ${padStart(String(x.requests), 8)}  ${t(`logs.outcome.${x.outcome}`)}`,
    );
  if (a.userAgents.length > 0)
    rows.push(`  ${t("logs.table.agents")}: ${esc(a.userAgents.slice(0, 3).join(" | ").slice(0, 200))}`);
  return rows;
}
