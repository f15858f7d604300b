import type { CheckContext } from "../../core/context.ts";
import { type Finding, findingId } from "../../core/finding.ts";
import { allowMatches, isExpired } from "../../hunt/allowlist.ts";
import type { HuntInput } from "./signals.ts";

/**
 * Applies the operator's allowlist: an active entry drops the findings it matches (listed in one info
 * finding so nothing disappears silently); an expired entry suppresses nothing and is reported.
 */
export function applyAllowlist(findings: Finding[], input: HuntInput, ctx: CheckContext): Finding[] {
  if (input.allowlist.length === 0) return findings;
  const now = ctx.now();
  const kept: Finding[] = [];
  const suppressed: Array<{ finding: Finding; index: number; reason: string }> = [];
  for (const f of findings) {
    const d = (f.data ?? {}) as {
      exe?: string;
      path?: string;
      sha256?: string;
      user?: string;
      pools?: string[];
    };
    const entry = input.allowlist.find((e) => !isExpired(e, now) && allowMatches(e, d));
    if (entry) suppressed.push({ finding: f, index: entry.index, reason: entry.reason });
    else kept.push(f);
  }
  for (const e of input.allowlist.filter((x) => isExpired(x, now))) {
    const what = e.path ?? (e.user ? `user ${e.user}` : `pool ${e.pool}`);
    kept.push({
      id: findingId("hunt.allowlist-expired", e.index, what),
      check: "hunt.allowlist-expired",
      severity: "low",
      confidence: "confirmed",
      title: ctx.t("hunt.allow.expired.title", { what, expires: e.expires }),
      detail: ctx.t("hunt.allow.expired.detail", { reason: e.reason }),
      cves: [],
      evidence: [{ label: ctx.t("hunt.ev.allowEntry"), value: `#${e.index} ${what} (${e.reason})` }],
      remediation: ctx.t("hunt.allow.expired.fix"),
      data: { entry: e.index, path: e.path, user: e.user, pool: e.pool, expires: e.expires },
    });
  }
  if (suppressed.length > 0)
    kept.push({
      id: findingId("hunt.allowlisted", suppressed.map((s) => s.finding.id).join(",")),
      check: "hunt.allowlisted",
      severity: "info",
      confidence: "confirmed",
      title: ctx.t("hunt.allow.title", { count: suppressed.length }),
      detail: ctx.t("hunt.allow.detail"),
      cves: [],
      evidence: suppressed.map((s) => ({ label: `#${s.index} ${s.reason}`, value: s.finding.title })),
      remediation: "",
      data: {
        suppressed: suppressed.map((s) => ({ id: s.finding.id, check: s.finding.check, entry: s.index })),
      },
    });
  return kept;
}
