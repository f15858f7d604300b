import type { InventoryItem, InventoryKind } from "../collect/inventory/index.ts";
import type { CheckContext } from "../core/context.ts";
import { type Confidence, type Evidence, type Finding, findingId, type Severity } from "../core/finding.ts";
import type { MessageKey } from "../i18n/index.ts";
import type { BaselineEntry } from "../store/state.ts";

export interface Baseline {
  entries: BaselineEntry[];
  /** When it was recorded (ISO), for the finding text. */
  since: string;
}

export function toEntries(items: InventoryItem[]): BaselineEntry[] {
  const m = new Map<string, BaselineEntry>();
  for (const i of items) m.set(`${i.kind}\0${i.key}`, { kind: i.kind, key: i.key, value: i.value });
  return [...m.values()];
}

interface Rule {
  check: string;
  severity: Severity;
  /** changed value of an existing key: a finding (cron scripts, units) or nothing (ports: same port) */
  changedSeverity?: Severity;
  reportRemoved?: boolean;
}

const RULES: Record<InventoryKind, Rule> = {
  port: { check: "baseline.port", severity: "medium" },
  cron: { check: "baseline.cron", severity: "medium", changedSeverity: "medium" },
  systemd: { check: "baseline.systemd", severity: "medium", changedSeverity: "low" },
  key: { check: "baseline.key", severity: "high" },
  preload: { check: "baseline.preload", severity: "high" },
  package: { check: "baseline.package", severity: "info", changedSeverity: "info", reportRemoved: true },
};

/**
 * What changed since the baseline, as findings: so a new cron line or a new listening port is news
 * even when no detection rule knows it. Ids are stable (check + key), so the same change alerts once.
 */
export function baselineFindings(baseline: Baseline, current: InventoryItem[], ctx: CheckContext): Finding[] {
  const { t } = ctx;
  const old = new Map(baseline.entries.map((e) => [`${e.kind}\0${e.key}`, e]));
  const cur = new Map(current.map((i) => [`${i.kind}\0${i.key}`, i]));
  const since = baseline.since;
  const out: Finding[] = [];
  const confidence: Confidence = "confirmed";
  const remediation = t("watch.baseline.remediation");

  for (const [k, item] of cur) {
    const before = old.get(k);
    const rule = RULES[item.kind];
    const state = !before ? "new" : before.value !== item.value ? "changed" : "same";
    if (state === "same") continue;
    if (state === "changed" && !rule.changedSeverity) continue;
    const d = item.detail ?? {};
    const evidence: Evidence[] = [];
    const path = d.path ?? "";
    if (item.kind === "port") {
      evidence.push({ value: item.key, label: d.process ?? "" });
      for (const pid of d.pids ?? []) evidence.push({ pid });
    } else if (item.kind === "package") {
      evidence.push({ package: item.key, version: item.value, path: "/var/lib/dpkg/status" });
    } else {
      evidence.push({ path: d.path, line: d.line, value: item.value, user: d.user });
    }
    const keyShown = item.kind === "cron" && !d.line ? path : item.key;
    const params = {
      key: keyShown,
      path,
      user: d.user ?? "",
      since,
      process: d.process ?? "?",
      version: item.value,
      from: before?.value ?? "",
      to: item.value,
    };
    const titleKey =
      item.kind === "package" && state === "changed"
        ? "watch.baseline.package.changed.title"
        : (`watch.baseline.${item.kind}.${state}.title` as MessageKey);
    const detailKey: MessageKey =
      item.kind === "port"
        ? "watch.baseline.port.new.detail"
        : item.kind === "cron"
          ? "watch.baseline.cron.detail"
          : item.kind === "systemd"
            ? "watch.baseline.systemd.detail"
            : item.kind === "key"
              ? "watch.baseline.key.new.detail"
              : item.kind === "preload"
                ? "watch.baseline.preload.new.detail"
                : "watch.baseline.package.detail";
    out.push({
      // The value is part of the id for changes, so a second, different change is news again.
      id: findingId(rule.check, item.key, state === "changed" ? item.value : undefined),
      check: rule.check,
      severity: state === "changed" ? (rule.changedSeverity as Severity) : rule.severity,
      confidence,
      title: t(titleKey, params),
      detail: t(detailKey, params),
      cves: [],
      evidence,
      remediation: item.kind === "package" ? "" : remediation,
      ...(d.mtime ? { time: d.mtime, timeSource: "mtime" as const } : {}),
      data: {
        change: state,
        kind: item.kind,
        key: item.key,
        value: item.value,
        ...(before ? { previous: before.value } : {}),
        ...(path ? { path } : {}),
        ...(d.line ? { line: d.line } : {}),
        ...(d.user ? { user: d.user } : {}),
      },
    });
  }
  for (const [k, before] of old) {
    if (cur.has(k) || !RULES[before.kind as InventoryKind]?.reportRemoved) continue;
    const rule = RULES[before.kind as InventoryKind];
    out.push({
      id: findingId(rule.check, before.key, "removed"),
      check: rule.check,
      severity: "info",
      confidence,
      title: t("watch.baseline.package.removed.title", { key: before.key, version: before.value }),
      detail: t("watch.baseline.package.detail", { since }),
      cves: [],
      evidence: [{ package: before.key, version: before.value }],
      remediation: "",
      data: { change: "removed", kind: before.kind, key: before.key, value: before.value },
    });
  }
  return out;
}
