import type { CheckContext } from "../../core/context.ts";
import type { Evidence, Finding } from "../../core/finding.ts";
import type { Text } from "../../core/message.ts";
import type { HuntFacts, HuntOptions } from "../../facts/hunt.ts";
import type { AllowEntry } from "../../hunt/allowlist.ts";
import { isMessageKey } from "../../i18n/index.ts";
import type { IocSet } from "../../iocs/list.ts";
import type { HuntRules } from "../../rules/hunt.ts";

/** Everything the hunting checks need: the facts plus mamori's own rules, IOCs, allowlist and options. */
export interface HuntInput {
  facts: HuntFacts;
  rules: HuntRules;
  iocs: IocSet;
  allowlist: AllowEntry[];
  options: HuntOptions;
}

export type SignalKind = "miner" | "malware" | "location" | "weak";

/** One weak or strong observation; findings combine several into a confidence. */
export interface Signal {
  key: string;
  kind: SignalKind;
  weight: number;
  value?: string;
  path?: string;
  line?: number;
}

export function addSignal(list: Signal[], s: Signal): void {
  if (!list.some((o) => o.key === s.key && o.value === s.value)) list.push(s);
}

export function score(list: Signal[], kinds?: SignalKind[]): number {
  return list.filter((s) => !kinds || kinds.includes(s.kind)).reduce((a, s) => a + s.weight, 0);
}

export function distinctKeys(list: Signal[], kinds?: SignalKind[]): number {
  return new Set(list.filter((s) => !kinds || kinds.includes(s.kind)).map((s) => s.key)).size;
}

export function signalLabel(ctx: CheckContext, key: string): Text {
  const k = `hunt.signal.${key}`;
  return isMessageKey(k) ? ctx.t(k) : key;
}

export function signalEvidence(ctx: CheckContext, list: Signal[], pid?: number): Evidence[] {
  return list.map((s) => ({
    label: signalLabel(ctx, s.key),
    value: s.value,
    path: s.path,
    line: s.line,
    pid,
  }));
}

/** The signal keys in a finding's data, so machine readers see why. */
export function signalData(list: Signal[]): Array<{ signal: string; weight: number; value?: string }> {
  return list.map((s) => ({ signal: s.key, weight: s.weight, value: s.value }));
}

export type Level = Pick<Finding, "severity" | "confidence">;

const TEMP = /^\/(tmp|var\/tmp|dev\/shm|run\/shm)(\/|$)/;
const HIDDEN = /\/\.[^/.][^/]*(\/|$)|\/\.\.[^/]+/;

export function isTempPath(p: string): boolean {
  return TEMP.test(p);
}

export function isHiddenPath(p: string): boolean {
  return HIDDEN.test(p);
}

/** Host names and IPs named in text: URLs, -o/--url values and host:port pairs. */
/**
 * The URL scheme written before a host at `at` (`stratum+tcp://pool:3333`, `postgres://user@db:5432`),
 * lowercased, or undefined. Walks back a bounded distance, so many hosts in one command line stay linear.
 */
export function schemeBefore(text: string, at: number): string | undefined {
  let i = at;
  if (text[i - 1] === "@") {
    const stop = Math.max(0, i - 1 - 128);
    i--;
    while (i > stop && !/[\s/@]/.test(text[i - 1] as string)) i--;
  }
  if (!text.startsWith("://", i - 3)) return undefined;
  let j = i - 3;
  const stop = Math.max(0, j - 32);
  while (j > stop && /[a-z0-9+.-]/i.test(text[j - 1] as string)) j--;
  return j < i - 3 ? text.slice(j, i - 3).toLowerCase() : undefined;
}

export function hostsIn(text: string): Array<{ host: string; port?: number; scheme?: string }> {
  const out: Array<{ host: string; port?: number; scheme?: string }> = [];
  // A host starts only where a run of name characters starts: searching from every position re-read
  // the rest of the run each time, and a 64 KB command line of letters took 15 s (issue 10). The scheme
  // is looked for behind the host instead of being part of the match, for the same reason.
  const re = /(?<![a-z0-9_.-])((?:[a-z0-9_-]+\.)+[a-z][a-z0-9-]*|\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?/gi;
  for (const m of text.matchAll(re)) {
    const host = (m[1] as string).toLowerCase();
    const scheme = schemeBefore(text, m.index);
    // File names (config.json, libfoo.so) are not hosts unless they carry a URL scheme or a port.
    if (
      !scheme &&
      !m[2] &&
      !/^\d/.test(host) &&
      /\.(json|so|sh|txt|conf|log|c|o|py|pl|js|ts|service|pid|lock|gz|tar|zip)$/.test(host)
    )
      continue;
    if (!out.some((o) => o.host === host && o.port === (m[2] ? Number(m[2]) : undefined)))
      out.push({ host, port: m[2] ? Number(m[2]) : undefined, ...(scheme ? { scheme } : {}) });
  }
  return out;
}
