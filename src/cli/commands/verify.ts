import type { Command } from "commander";
import { translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../../report/escape.ts";
import { resolveTimeZone, zonedTranslator } from "../../report/time-format.ts";
import { readLastRespond } from "../../respond/last.ts";
import { verifyLast } from "../../respond/verify.ts";
import { EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { addRespondOptions, checkQuarantine, parseRespondEnv } from "./respond.ts";

/** `mamori verify`: is what the last `respond --apply` did still true? "Clean now" (0) or what remains (1). */
export function registerVerify(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("verify")
    .description(
      "check that what the last `mamori respond --apply` did still holds: processes gone, files not back, cron lines and units disabled (exit 0 clean, 1 something remains)",
    );
  addRespondOptions(cmd).action((raw) => {
    const env = parseRespondEnv(raw, io);
    const t = zonedTranslator(translator(env.lang), resolveTimeZone(io.env));
    checkQuarantine(env.quarantineDir, false, t);
    let last: ReturnType<typeof readLastRespond>;
    try {
      last = readLastRespond(env.quarantineDir);
    } catch (err) {
      throw new UsageError(
        t("respond.unsafeQuarantine", {
          dir: esc(env.quarantineDir),
          detail: esc(err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err)),
        }),
      );
    }
    if (!last) {
      io.stdout.write(`${t("verify.none", { dir: esc(env.quarantineDir) })}\n`);
      done(EXIT_INCOMPLETE);
      return;
    }
    const checks = verifyLast(last);
    const out = [t("verify.header", { at: esc(last.at) })];
    for (const c of checks) {
      const params = Object.fromEntries(
        Object.entries(c.params).map(([k, v]) => [k, typeof v === "string" ? esc(v) : v]),
      );
      const state = t(c.state === "ok" ? "verify.ok" : c.state === "bad" ? "verify.bad" : "verify.unknown");
      out.push(`  [${state}] ${t(c.key, params)}`);
    }
    const remain = checks.filter((c) => c.state === "bad").length;
    out.push(
      "",
      remain === 0 ? t("verify.clean") : t("verify.remains", { count: remain }),
      t("verify.huntHint"),
    );
    io.stdout.write(`${out.join("\n")}\n`);
    done(remain > 0 ? EXIT_FINDINGS : checks.some((c) => c.state === "unknown") ? EXIT_INCOMPLETE : EXIT_OK);
  });
}
