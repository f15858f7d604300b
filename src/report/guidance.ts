import { trimEndOf } from "../core/cut.ts";
import type { HostInfo, ReportDocument } from "../core/document.ts";
import { type Finding, severityRank } from "../core/finding.ts";
import { shellQuote } from "../core/shell-quote.ts";
import type { MessageKey, Translator } from "../i18n/index.ts";
import { blockableIp } from "./formats/blocklist.ts";
import {
  type RenderedDocument,
  type RenderedFinding,
  type RenderedIncident,
  renderDocument,
  renderFinding,
} from "./localize.ts";

export type PackageManager = "apt" | "dnf" | "apk";

/** debian/ubuntu -> apt, rhel/centos/rocky/alma/fedora -> dnf, alpine -> apk (ID_LIKE as a fallback). */
export function packageManager(
  host: Pick<HostInfo, "osId">,
  idLike: string[] = [],
): PackageManager | undefined {
  for (const id of [host.osId, ...idLike]) {
    if (!id) continue;
    if (["debian", "ubuntu", "raspbian", "linuxmint", "kali"].includes(id)) return "apt";
    if (["rhel", "centos", "rocky", "almalinux", "alma", "fedora", "ol", "amzn"].includes(id)) return "dnf";
    if (id === "alpine") return "apk";
  }
  return undefined;
}

/** Single-quotes a value for a POSIX shell unless it is plainly safe: values may come from an attacker. */
export const sh = shellQuote;

/** Guidance for one kind of finding or one incident: steps in plain words, then the exact commands. */
export interface Guide {
  /** "incident" or the finding area (apache, apache.config, logs, process, persistence, file, network, exposure). */
  kind: string;
  title: string;
  steps: string[];
  commands: string[];
  findingIds: string[];
  incidentId?: string;
}

export function areaOf(check: string): string {
  if (check === "apache.cve" || check === "apache.exposure") return "apache";
  if (check.startsWith("apache.config")) return "apache.config";
  return check.split(".")[0] ?? check;
}

const AREAS = [
  "apache",
  "apache.config",
  "logs",
  "process",
  "persistence",
  "file",
  "network",
  "exposure",
] as const;
type Area = (typeof AREAS)[number];

const EVIDENCE_DIR = "/root/mamori-evidence";

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

function isSourceBuild(installation: string | undefined): boolean {
  if (!installation) return false;
  return !/^\/usr\/(s?bin|lib|lib64)\//.test(installation) && !/^\/(s?bin)\//.test(installation);
}

/** apachectl next to an httpd binary, or under an installation directory (ServerRoot). */
function apachectlOf(installation: string): string {
  if (/\/s?bin\/(httpd|apache2)$/.test(installation) || /\/httpd$/.test(installation))
    return `${dirname(installation)}/apachectl`;
  return `${trimEndOf(installation, "/")}/bin/apachectl`;
}

function upgradeCommands(pm: PackageManager | undefined): string[] {
  switch (pm) {
    case "apt":
      return ["apt-get update", "apt-get install --only-upgrade apache2", "apache2ctl -v"];
    case "dnf":
      return ["dnf upgrade --refresh httpd", "httpd -v"];
    case "apk":
      return ["apk update", "apk upgrade apache2", "httpd -v"];
    default:
      return [];
  }
}

/** Whether some of these installations (or an unknown one) came from the package manager. */
function isPackaged(installs: string[]): boolean {
  return installs.length === 0 || installs.some((p) => !isSourceBuild(p));
}

/**
 * How to upgrade these installations: the package manager can only upgrade what it installed, so a
 * source build gets its own `apachectl -v` (to see the version once rebuilt), never an apt/dnf command.
 */
function upgradeFor(installs: string[], pm: PackageManager | undefined): string[] {
  const commands = installs.filter(isSourceBuild).map((p) => `${sh(apachectlOf(p))} -v`);
  if (pm && isPackaged(installs)) commands.push(...upgradeCommands(pm));
  return commands;
}

function reloadCommands(pm: PackageManager | undefined): string[] {
  switch (pm) {
    case "apt":
      return ["apache2ctl configtest", "systemctl reload apache2"];
    case "dnf":
      return ["apachectl configtest", "systemctl reload httpd"];
    case "apk":
      return ["httpd -t", "rc-service apache2 reload"];
    default:
      return ["apachectl configtest", "apachectl -k graceful"];
  }
}

/**
 * A DROP rule for each attacker address. The addresses come from log lines: one that is not a single
 * public address (`0.0.0.0/0`, a host name, a private proxy's) gets no rule, as in the blocklist.
 */
function blockInbound(ips: string[]): string[] {
  const ok = uniq(ips.map((ip) => blockableIp(ip)).filter((ip): ip is string => ip !== undefined));
  return ok.map((ip) => `iptables -I INPUT -s ${sh(ip)} -j DROP`);
}

/**
 * Outbound blocks for the remote ends a process chose: it can connect to 127.0.0.1, the gateway or this
 * host's database to get them blocked, so only public addresses are suggested, as for inbound ones.
 */
function blockOutbound(ips: string[]): string[] {
  const ok = uniq(ips.map((ip) => blockableIp(ip)).filter((ip): ip is string => ip !== undefined));
  return ok.map((ip) => `iptables -I OUTPUT -d ${sh(ip)} -j DROP`);
}

function portCommands(pm: PackageManager | undefined, port: number): string[] {
  if (pm === "dnf")
    return [`firewall-cmd --permanent --remove-port=${port}/tcp`, "firewall-cmd --reload", "ss -ltnp"];
  return [`iptables -I INPUT -p tcp --dport ${port} ! -s 127.0.0.1 -j DROP`, "ss -ltnp"];
}

/**
 * `mamori respond` for these findings or this incident, runnable as shown: no report file (the user may
 * have none: respond reads the newest stored scan, or scans again, ids being stable), and --root when
 * the report was of one. The dry run only: it prints the --apply command itself, as its own block.
 */
export function respondCommand(
  select: { findings?: string[]; incident?: string },
  root = "/",
): string | undefined {
  // A bundle's or an SSH target's report (`bundle:FILE`, `ssh://...`): respond changes only a root it
  // can reach here, so there is no command to give; the findings' own steps are for the host itself.
  if (!root.startsWith("/")) return undefined;
  const args = ["mamori", "respond"];
  if (select.incident !== undefined) args.push("--incident", sh(select.incident));
  for (const id of select.findings ?? []) args.push("--finding", sh(id));
  if (root !== "/") args.push("--root", sh(root));
  return args.join(" ");
}

function respondCommands(ids: string[], root: string): string[] {
  const c = ids.length === 0 ? undefined : respondCommand({ findings: ids }, root);
  return c ? [c] : [];
}

function areaGuide(
  area: Area,
  fs: RenderedFinding[],
  pm: PackageManager | undefined,
  t: Translator,
  root = "/",
): Guide {
  const ids = fs.map((f) => f.id);
  const k = (s: string) => `guide.${area}.${s}` as MessageKey;
  const steps = [t(k("now"))];
  const commands: string[] = [];
  const data = fs.map((f) => f.data ?? {});
  const installs = uniq(data.map((d) => str(d.installation)).filter((x): x is string => !!x));
  if (area === "apache") {
    const source = installs.filter(isSourceBuild);
    if (source.length > 0) steps.push(t("guide.apache.sourceBuild", { paths: source.join(", ") }));
    if (pm && isPackaged(installs)) steps.push(t("guide.apache.package"));
    commands.push(...upgradeFor(installs, pm));
  } else if (area === "apache.config") {
    // A source build is checked and reloaded by its own apachectl, not the distro's wrapper or unit.
    for (const p of installs.filter(isSourceBuild))
      commands.push(`${sh(apachectlOf(p))} configtest`, `${sh(apachectlOf(p))} -k graceful`);
    if (isPackaged(installs)) commands.push(...reloadCommands(pm));
  } else if (area === "logs") {
    const logDirs = uniq(
      fs.flatMap((f) => f.evidence.map((e) => e.path).filter((p): p is string => !!p)).map(dirname),
    );
    const ips = uniq(
      fs
        .filter((f) => f.data?.outcome === "succeeded")
        .map((f) => str(f.data?.ip))
        .filter((x): x is string => !!x),
    );
    commands.push(`mkdir -p ${EVIDENCE_DIR}`, ...logDirs.map((d) => `cp -a ${sh(d)} ${EVIDENCE_DIR}/`));
    if (ips.length > 0) {
      steps.push(t("guide.logs.succeeded"));
      commands.push(...blockInbound(ips));
    }
  } else if (area === "process") {
    steps.push(t("guide.process.evidence"));
    const pids = uniq(data.map((d) => num(d.pid)).filter((x): x is number => x !== undefined));
    commands.push(`mkdir -p ${EVIDENCE_DIR}`);
    for (const pid of pids)
      commands.push(
        `cp /proc/${pid}/exe ${EVIDENCE_DIR}/${pid}.exe`,
        `tr '\\0' ' ' < /proc/${pid}/cmdline > ${EVIDENCE_DIR}/${pid}.cmdline`,
        `ls -l /proc/${pid}/fd > ${EVIDENCE_DIR}/${pid}.fd`,
      );
    commands.push(...respondCommands(ids, root));
  } else if (area === "persistence") {
    const users = uniq(data.map((d) => str(d.user)).filter((x): x is string => !!x));
    commands.push(...users.map((u) => `crontab -l -u ${sh(u)}`), ...respondCommands(ids, root));
  } else if (area === "file") {
    const paths = uniq(data.map((d) => str(d.path)).filter((x): x is string => !!x));
    commands.push(...paths.map((p) => `sha256sum ${sh(p)}`), ...respondCommands(ids, root));
  } else if (area === "network") {
    const remotes = uniq(data.map((d) => str(d.remoteAddress)).filter((x): x is string => !!x));
    commands.push("ss -tnp", ...blockOutbound(remotes));
  } else if (area === "exposure") {
    const ports = uniq(data.map((d) => num(d.port)).filter((x): x is number => x !== undefined));
    for (const p of ports) commands.push(...portCommands(pm, p));
  }
  return { kind: area, title: t(k("title")), steps, commands: uniq(commands), findingIds: ids };
}

function incidentGuide(
  inc: RenderedIncident,
  doc: RenderedDocument,
  pm: PackageManager | undefined,
  t: Translator,
): Guide {
  const members = doc.findings.filter((f) => inc.findingIds.includes(f.id));
  const rootInvolved = members.some(
    (f) =>
      f.data?.user === "root" ||
      /^\/(etc|usr|lib|bin|sbin|boot)\//.test(str(f.data?.path) ?? str(f.data?.exe) ?? ""),
  );
  const steps = [
    t("guide.incident.isolate"),
    t("guide.incident.evidence"),
    t(doc.host.root.startsWith("/") ? "guide.incident.contain" : "guide.next.containThere"),
    t(
      rootInvolved || inc.confidence === "confirmed"
        ? "guide.incident.rebuild"
        : "guide.incident.rebuildMaybe",
    ),
    t("guide.incident.credentials"),
    t(inc.entryPoint ? "guide.incident.upgrade" : "guide.incident.entry"),
    t("guide.incident.expert"),
  ];
  const source = inc.entryPoint?.installation;
  if (source && isSourceBuild(source)) steps.splice(6, 0, t("guide.apache.sourceBuild", { paths: source }));
  const pids = uniq(members.map((f) => num(f.data?.pid)).filter((x): x is number => x !== undefined));
  const logDirs = uniq(
    members
      .filter((f) => f.check.startsWith("logs."))
      .flatMap((f) => f.evidence.map((e) => e.path).filter((p): p is string => !!p))
      .map(dirname),
  );
  const commands = [
    `mkdir -p ${EVIDENCE_DIR}`,
    `ps auxwwf > ${EVIDENCE_DIR}/ps.txt`,
    `ss -tanp > ${EVIDENCE_DIR}/ss.txt`,
    ...pids.map((pid) => `cp /proc/${pid}/exe ${EVIDENCE_DIR}/${pid}.exe`),
    ...logDirs.map((d) => `cp -a ${sh(d)} ${EVIDENCE_DIR}/`),
    ...blockInbound(inc.attackers ?? []),
    ...[respondCommand({ incident: inc.id }, doc.host.root)].filter((c): c is string => c !== undefined),
    ...(inc.entryPoint
      ? upgradeFor(
          [inc.entryPoint.installation].filter((x): x is string => !!x),
          pm,
        )
      : []),
  ];
  return {
    kind: "incident",
    title: t("guide.incident.title", { title: inc.title }),
    steps,
    commands: uniq(commands),
    findingIds: inc.findingIds,
    incidentId: inc.id,
  };
}

/** What to do now: one guide per incident, then one per kind of finding, with commands for this distro. */
export function guidance(
  keyed: ReportDocument | RenderedDocument,
  t: Translator,
  keyedFindings: Array<Finding | RenderedFinding> = keyed.findings,
): Guide[] {
  // Rendering is idempotent (rendered strings are literal text), so renderers may pass their rendered document.
  const doc = renderDocument(keyed, t);
  const findings = keyedFindings.map((f) => renderFinding(f, t));
  const pm = packageManager(doc.host);
  const out = doc.incidents.map((inc) => incidentGuide(inc, doc, pm, t));
  for (const area of AREAS) {
    const fs = findings.filter((f) => areaOf(f.check) === area);
    if (fs.length > 0) out.push(areaGuide(area, fs, pm, t, doc.host.root));
  }
  return out;
}

/** One line of the first screen's "Next steps": what to do, and the one command for it when there is one. */
export interface NextStep {
  text: string;
  command?: string;
  /** What the step is about, so a page can link to it: the incident, or the findings its command names. */
  incidentId?: string;
  findingIds?: string[];
}

/** Findings at or above this severity make the first screen's next steps. */
const NEXT_STEP_FLOOR = severityRank("medium");
/** At most this many finding ids in a next step's `mamori respond` command. */
const NEXT_STEP_IDS = 3;

/**
 * At most `max` next steps, in order, for the first screen: for a break-in, isolate, keep evidence,
 * contain it (the dry run of `mamori respond`); otherwise the worst finding of each kind in report
 * order, in its own words, with the containment command where mamori has one. The full guidance
 * ("What to do now") stays below.
 */
export function nextSteps(
  keyed: ReportDocument | RenderedDocument,
  t: Translator,
  keyedFindings: Array<Finding | RenderedFinding> = keyed.findings,
  max = 3,
): NextStep[] {
  const doc = renderDocument(keyed, t);
  const inc = doc.incidents[0];
  if (inc) {
    const contain = respondCommand({ incident: inc.id }, doc.host.root);
    return [
      { text: t("guide.next.isolate") },
      { text: t("guide.next.evidence") },
      contain
        ? { text: t("guide.next.contain"), command: contain, incidentId: inc.id }
        : { text: t("guide.next.containThere"), incidentId: inc.id },
    ].slice(0, max);
  }
  const findings = keyedFindings
    .map((f) => renderFinding(f, t))
    .filter((f) => severityRank(f.severity) >= NEXT_STEP_FLOOR);
  const pm = packageManager(doc.host);
  const out: NextStep[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (out.length >= max) break;
    const area = areaOf(f.check);
    if (seen.has(area)) continue;
    seen.add(area);
    const known = (AREAS as readonly string[]).includes(area);
    const same = findings.filter((g) => areaOf(g.check) === area);
    const guide = known ? areaGuide(area as Area, same, pm, t, doc.host.root) : undefined;
    const step = f.remediation || guide?.steps[0] || "";
    if (!step) continue;
    // The containment of the worst few only: a first screen never carries a 70-id command line.
    const worst = same.filter((g) => g.severity === f.severity).slice(0, NEXT_STEP_IDS);
    const command = guide?.commands.some((c) => c.startsWith("mamori respond "))
      ? respondCommand({ findings: worst.map((g) => g.id) }, doc.host.root)
      : undefined;
    out.push({
      text: t("guide.next.area", { title: guide?.title ?? f.title, step }),
      ...(command ? { command } : {}),
      findingIds: command ? worst.map((g) => g.id) : [f.id],
    });
  }
  return out;
}
