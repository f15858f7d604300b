import type { CheckContext } from "../../core/context.ts";
import { type Evidence, type Finding, findingId } from "../../core/finding.ts";
import { shellQuote } from "../../core/shell-quote.ts";
import type { UntrustedInstance } from "../../facts/apache.ts";
import { trustProblemMessage } from "../../facts/apache-query.ts";

/**
 * apache.user-started: an Apache-like process another user started (they chose its executable, arguments,
 * environment and configuration). apache.user-config: root's Apache running a configuration or ServerRoot
 * another user can change. Neither was run or read by mamori; both are reported as found.
 */
export function untrustedFindings(list: UntrustedInstance[], ctx: CheckContext): Finding[] {
  return list.map((u) => {
    const user = u.user ?? (u.uid !== undefined ? `uid ${u.uid}` : "?");
    const config = u.configFile ?? u.serverRoot ?? ctx.t("apache.untrusted.noConfig");
    const product = u.product ? ` (${u.product})` : ctx.t("apache.untrusted.notApache");
    const params = { pid: u.pid, user, uid: u.uid ?? "?", exe: u.exe, product, config };
    const evidence: Evidence[] = [
      { pid: u.pid, path: u.exe, user, value: u.argv.join(" "), label: ctx.t("apache.evidence.process") },
    ];
    if (u.configFile ?? u.serverRoot)
      evidence.push({ path: u.configFile ?? u.serverRoot, label: ctx.t("apache.evidence.configNamed") });
    const data = {
      pid: u.pid,
      pids: u.pids,
      uid: u.uid,
      user: u.user,
      exe: u.exe,
      argv: u.argv,
      configFile: u.configFile,
      serverRoot: u.serverRoot,
      product: u.product,
      untrustedPath: u.problem?.path,
    };
    if (u.reason === "user-config") {
      const why = u.problem ? (({ key, params }) => ctx.t(key, params))(trustProblemMessage(u.problem)) : "?";
      return {
        id: findingId("apache.user-config", u.exe, u.configFile, u.serverRoot),
        check: "apache.user-config",
        severity: "high",
        confidence: "confirmed",
        title: ctx.t("apache.untrusted.userConfig.title", params),
        detail: ctx.t("apache.untrusted.userConfig.detail", { ...params, why }),
        cves: [],
        evidence,
        remediation: ctx.t("apache.untrusted.userConfig.fix", params),
        commands: [`ls -ld -- ${shellQuote(u.problem?.path ?? u.configFile ?? "/")}`],
        data,
      } satisfies Finding;
    }
    return {
      id: findingId("apache.user-started", u.exe, u.uid, u.configFile, u.serverRoot),
      check: "apache.user-started",
      severity: "high",
      confidence: "confirmed",
      title: ctx.t("apache.untrusted.userStarted.title", params),
      detail: ctx.t("apache.untrusted.userStarted.detail", params),
      cves: [],
      evidence,
      remediation: ctx.t("apache.untrusted.userStarted.fix", params),
      commands: [
        `ps -o pid,ppid,user,lstart,args -p ${u.pid}`,
        `ls -l /proc/${u.pid}/exe /proc/${u.pid}/cwd`,
        `kill ${u.pid}`,
      ],
      data,
    } satisfies Finding;
  });
}
