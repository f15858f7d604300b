import type { CheckContext } from "../../core/context.ts";
import { type Finding, findingId } from "../../core/finding.ts";
import { shellQuote } from "../../core/shell-quote.ts";
import { type PersistLine, type PreloadLibrary, preloadPaths } from "../../facts/hunt.ts";
import { domainHit } from "../../iocs/list.ts";
import { familyOf } from "../../rules/hunt.ts";
import {
  addSignal,
  type HuntInput,
  hostsIn,
  isHiddenPath,
  isTempPath,
  type Level,
  type Signal,
  score,
  signalData,
  signalEvidence,
} from "./signals.ts";

const EVERY_MINUTE = /^(\*|\*\/1|0-59)\s+\*\s+\*\s+\*\s+\*\s/;

export function lineSignals(l: PersistLine, input: HuntInput): Signal[] {
  const s: Signal[] = [];
  // Scripts and profiles mention temporary and dot paths all the time (/tmp/.X11-unix, ~/.cargo/bin):
  // there a location alone weighs less than in a cron line or a unit's ExecStart.
  const scripty = l.kind === "rc" || l.kind === "profile";
  for (const r of input.rules.persistence)
    if (r.re.test(l.text))
      addSignal(s, {
        key: r.signal,
        kind: "malware",
        weight: scripty && (r.signal === "tempPath" || r.signal === "hiddenPath") ? 1 : r.weight,
      });
  // A unit whose program itself lives in a temporary or hidden place: packages never install there.
  const unitExe = l.kind === "systemd" ? /^Exec\w*\s*=\s*[-@:+!]*(\S+)/.exec(l.text)?.[1] : undefined;
  if (unitExe && (isTempPath(unitExe) || isHiddenPath(unitExe)))
    addSignal(s, { key: "unitExecTemp", kind: "malware", weight: 2, value: unitExe });
  if (l.kind === "cron" && EVERY_MINUTE.test(l.text))
    addSignal(s, { key: "everyMinute", kind: "weak", weight: 1 });
  for (const h of hostsIn(l.text)) {
    const d = domainHit(input.iocs, h.host);
    if (d)
      addSignal(s, {
        key: d.hit.kind === "pool" ? "poolDomain" : "iocDomain",
        kind: "malware",
        weight: 3,
        value: `${d.domain} (${d.hit.list})`,
      });
    const ip = input.iocs.ipPorts.get(`${h.host}:${h.port}`) ?? input.iocs.ips.get(h.host);
    if (ip) addSignal(s, { key: "iocAddress", kind: "malware", weight: 3, value: `${h.host} (${ip.list})` });
  }
  // Family indicators: a unit name, or a path the line names.
  const words = l.text.split(/[\s=;|&'"()]+/).filter((w) => w.startsWith("/"));
  for (const w of [...words, ...(l.unit ? [l.unit] : [])]) {
    const f = familyOf(input.rules.families, w);
    if (f) addSignal(s, { key: "family", kind: "malware", weight: 3, value: `${f.id}: ${w}` });
  }
  if (l.kind === "preload") {
    // Any global preload is rare on a server; a library in a temporary or hidden place, or a family's, is worse.
    addSignal(s, { key: "preloadEntry", kind: "malware", weight: 2, value: l.text });
    const mapped = input.facts.selfLibraries?.some((m) => m.path === l.text);
    if (mapped) addSignal(s, { key: "preloadActive", kind: "malware", weight: 2, value: l.text });
    for (const sig of preloadSignals(l, input)) addSignal(s, sig);
  }
  return s;
}

/** Where the dynamic linker and packages put shared libraries (multiarch dirs are below these). */
const LIB_DIRS = /^\/(?:usr\/(?:local\/)?)?lib(?:32|64|x32)?\//;

/** The libraries a preload line names, with what the collector found about each. */
function librariesOf(l: PersistLine, input: HuntInput): PreloadLibrary[] {
  const known = input.facts.preloadLibraries ?? [];
  return preloadPaths(l.text).map(
    (p) => known.find((k) => k.path === p) ?? { path: p, exists: true, packageDb: "unreadable" },
  );
}

/**
 * A preloaded library judged by where it lives, who installed it and whether it is there: outside
 * every library directory and owned by no package is the Kinsing/perfctl hallmark; a package's
 * library in a system directory is an administrator's choice.
 */
function preloadSignals(l: PersistLine, input: HuntInput): Signal[] {
  const out: Signal[] = [];
  for (const lib of librariesOf(l, input)) {
    if (!LIB_DIRS.test(lib.path))
      out.push({ key: "preloadOutsideLibDirs", kind: "malware", weight: 2, value: lib.path });
    const checked = lib.packageDb === "dpkg" || lib.packageDb === "rpm";
    if (checked && !lib.owner && lib.exists)
      out.push({ key: "preloadUnowned", kind: "malware", weight: 2, value: lib.path });
    if (!lib.exists) out.push({ key: "preloadMissing", kind: "weak", weight: 0, value: lib.path });
    else if (lib.elf === false) out.push({ key: "preloadNotElf", kind: "weak", weight: 0, value: lib.path });
  }
  // What else the host shows: hidden processes or a miner's file make a rootkit library likelier.
  const corroborated =
    (input.facts.hiddenPids?.length ?? 0) > 0 || input.facts.files.some((f) => f.strings.length > 0);
  if (corroborated && out.some((x) => x.key === "preloadOutsideLibDirs" || x.key === "preloadUnowned"))
    out.push({ key: "preloadWithOtherSigns", kind: "malware", weight: 1 });
  return out;
}

/** A preload line whose every library a package installed in a library directory: an administrator's choice. */
function packagedPreload(l: PersistLine, input: HuntInput): string | undefined {
  if (l.kind !== "preload") return undefined;
  const libs = librariesOf(l, input);
  if (libs.length === 0 || !libs.every((x) => x.owner && LIB_DIRS.test(x.path))) return undefined;
  return libs.map((x) => `${x.path} (${x.owner})`).join(", ");
}

const LIST_ONLY = new Set(["iocDomain", "iocAddress", "poolDomain"]);

function lineLevel(s: Signal[]): Level | undefined {
  const total = score(s);
  // An IOC list match alone is never more than low: lists go stale.
  if (s.every((x) => LIST_ONLY.has(x.key))) return { severity: "low", confidence: "possible" };
  const strongIoc = s.some(
    (x) => x.key === "family" || x.key === "iocDomain" || x.key === "iocAddress" || x.key === "poolDomain",
  );
  if (total >= 7 && strongIoc) return { severity: "critical", confidence: "confirmed" };
  if (total >= 5) return { severity: "high", confidence: "likely" };
  if (total >= 3) return { severity: "medium", confidence: "likely" };
  if (total >= 2) return { severity: "low", confidence: "possible" };
  return undefined;
}

export function checkPersistence(input: HuntInput, ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const l of input.facts.persistence) {
    const s = lineSignals(l, input);
    if (s.length === 0) continue;
    let lv = lineLevel(s);
    if (!lv) continue;
    const packaged = packagedPreload(l, input);
    if (packaged) {
      addSignal(s, { key: "preloadPackaged", kind: "weak", weight: 0, value: packaged });
      // No family indicator: a packaged library stays a low note however else it scores.
      if (!s.some((x) => x.key === "family")) lv = { severity: "low", confidence: "possible" };
    }
    const check = `persistence.${l.kind}`;
    out.push({
      id: findingId(check, l.path, l.line, l.text),
      check,
      ...lv,
      title: ctx.t(`hunt.persist.${l.kind}.title` as "hunt.persist.cron.title", {
        path: l.path,
        line: l.line,
      }),
      detail: ctx.t("hunt.persist.detail"),
      cves: [],
      evidence: [
        {
          path: l.path,
          line: l.line,
          value: l.text,
          time: l.mtime,
          timeSource: l.mtime ? "mtime" : undefined,
          user: l.user,
        },
        ...signalEvidence(ctx, s),
      ],
      remediation: ctx.t("hunt.persist.fix", { path: l.path }),
      commands: [
        `ls -l --time-style=full-iso ${shellQuote(l.path)}`,
        `sed -n '${l.line}p' ${shellQuote(l.path)}`,
      ],
      time: l.mtime,
      timeSource: l.mtime ? "mtime" : undefined,
      data: {
        path: l.path,
        line: l.line,
        text: l.text,
        sha256: l.sha256,
        ctime: l.ctime,
        user: l.user,
        unit: l.unit,
        signals: signalData(s),
      },
    });
  }
  out.push(...checkSshKeys(input, ctx));
  return out;
}

function checkSshKeys(input: HuntInput, ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const now = ctx.now().getTime();
  for (const k of input.facts.sshKeys) {
    const s: Signal[] = [];
    const ioc = input.iocs.sshKeys.get(k.fingerprint);
    if (ioc)
      addSignal(s, { key: "iocSshKey", kind: "malware", weight: 6, value: `${k.fingerprint} (${ioc.list})` });
    if (k.command !== undefined) {
      addSignal(s, { key: "forcedCommand", kind: "weak", weight: 1, value: k.command });
      for (const r of input.rules.persistence)
        if (r.re.test(k.command)) addSignal(s, { key: r.signal, kind: "malware", weight: r.weight });
    }
    const recent =
      k.mtime &&
      now - Date.parse(k.mtime) < input.options.recentDays * 86400_000 &&
      Date.parse(k.mtime) <= now;
    if (recent) addSignal(s, { key: "recentKey", kind: "weak", weight: 1, value: k.mtime });
    const total = score(s);
    // A new key alone, or a forced command alone (backups use them), is not evidence: the baseline
    // area reports new keys as changes; here they only add weight to other signs.
    if (total < 2 && !ioc) continue;
    const lv: Level = ioc
      ? { severity: "critical", confidence: "confirmed" }
      : total >= 4
        ? { severity: "high", confidence: "likely" }
        : { severity: "low", confidence: "possible" };
    out.push({
      id: findingId("persistence.ssh-key", k.path, k.fingerprint),
      check: "persistence.ssh-key",
      ...lv,
      title: ctx.t("hunt.sshkey.title", { path: k.path, line: k.line }),
      detail: ctx.t("hunt.sshkey.detail", { fingerprint: k.fingerprint, comment: k.comment }),
      cves: [],
      evidence: [
        {
          path: k.path,
          line: k.line,
          value: `${k.options ? `${k.options} ` : ""}${k.type} … ${k.comment}`,
          user: k.user,
          time: k.mtime,
          timeSource: "mtime",
        },
        ...signalEvidence(ctx, s),
      ],
      remediation: ctx.t("hunt.sshkey.fix", { path: k.path }),
      time: k.mtime,
      timeSource: k.mtime ? "mtime" : undefined,
      data: {
        path: k.path,
        line: k.line,
        user: k.user,
        ctime: k.ctime,
        fingerprint: k.fingerprint,
        command: k.command,
        signals: signalData(s),
      },
    });
  }
  return out;
}
