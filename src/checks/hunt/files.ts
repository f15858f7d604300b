import type { CheckContext } from "../../core/context.ts";
import { type Finding, findingId } from "../../core/finding.ts";
import { shellQuote } from "../../core/shell-quote.ts";
import { familyOf } from "../../rules/hunt.ts";
import {
  addSignal,
  type HuntInput,
  isHiddenPath,
  isTempPath,
  type Level,
  type Signal,
  score,
  signalData,
  signalEvidence,
} from "./signals.ts";

/** file.suspicious: executables in temporary or hidden places, weighed by hash IOCs, miner strings and families. */
export function checkFiles(input: HuntInput, ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const running = new Set(input.facts.processes.map((p) => p.exe).filter(Boolean));
  for (const f of input.facts.files) {
    const s: Signal[] = [];
    if (isTempPath(f.path)) addSignal(s, { key: "tempPath", kind: "location", weight: 2 });
    else if (isHiddenPath(f.path)) addSignal(s, { key: "hiddenPath", kind: "location", weight: 1 });
    if (f.elf) addSignal(s, { key: "elf", kind: "weak", weight: 1 });
    if (f.strings.length > 0)
      addSignal(s, {
        key: "minerStrings",
        kind: "miner",
        weight: f.strings.length >= 2 ? 4 : 2,
        value: f.strings.join(", "),
      });
    const h = f.sha256 ? input.iocs.sha256.get(f.sha256) : undefined;
    if (h) addSignal(s, { key: "iocHash", kind: "malware", weight: 6, value: `${f.sha256} (${h.list})` });
    const fam = familyOf(input.rules.families, f.path);
    if (fam) addSignal(s, { key: "family", kind: "malware", weight: 3, value: fam.id });
    if (running.has(f.path)) addSignal(s, { key: "running", kind: "weak", weight: 1 });
    const total = score(s);
    const lv: Level | undefined =
      h || (fam && total >= 6)
        ? { severity: "critical", confidence: "confirmed" }
        : total >= 6
          ? { severity: "high", confidence: "likely" }
          : total >= 4
            ? { severity: "medium", confidence: "likely" }
            : total >= 3
              ? { severity: "low", confidence: "possible" }
              : undefined;
    if (!lv) continue;
    out.push({
      id: findingId("file.suspicious", f.path, f.sha256),
      check: "file.suspicious",
      ...lv,
      title: ctx.t("hunt.file.title", { path: f.path }),
      // The search's bounds are the coverage's to tell (a scan that stopped at them is "not checked").
      detail: ctx.t("hunt.file.detail", { size: f.size, mode: f.mode.toString(8) }),
      cves: [],
      evidence: [
        {
          path: f.path,
          value: f.sha256 ? `sha256 ${f.sha256}` : undefined,
          time: f.mtime,
          timeSource: "mtime",
        },
        ...signalEvidence(ctx, s),
      ],
      remediation: ctx.t("hunt.file.fix", { path: f.path }),
      commands: [`ls -l --time-style=full-iso ${shellQuote(f.path)}`, `sha256sum ${shellQuote(f.path)}`],
      time: f.mtime,
      timeSource: "mtime",
      data: {
        path: f.path,
        sha256: f.sha256,
        ctime: f.ctime,
        size: f.size,
        uid: f.uid,
        strings: f.strings,
        signals: signalData(s),
      },
    });
  }
  return out;
}
