import * as path from "node:path";
import type { Command } from "commander";
import { FactsFileError, readFactsFile } from "../../audit/facts-file.ts";
import { judgeBundle, validateAreas } from "../../audit/run.ts";
import type { AnyScanner } from "../../audit/scanner.ts";
import { auditScanners } from "../../audit/scanners.ts";
import type { FactsBundle } from "../../facts/bundle.ts";
import { FactsError } from "../../facts/constants.ts";
import { type MessageKey, type Translator, translator } from "../../i18n/index.ts";
import { escapeTerminal } from "../../report/escape.ts";
import { emitReport } from "../emit.ts";
import { EXIT_ERROR, UsageError } from "../errors.ts";
import { addExitOptions, exitOptionsOf } from "../exit-options.ts";
import { addIgnoreOptions, ignoreRulesOf } from "../ignore-options.ts";
import type { CliIo } from "../io.ts";
import { addOutputOptions, parseCommon } from "../options.ts";

/**
 * `mamori check FILE...`: judges saved facts with this mamori's current data and rules. A file that is
 * not a usable bundle is one line on standard error (exit 2); the other files are still judged.
 */
export function registerCheck(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("check")
    .description(
      "judge facts saved by `mamori collect` or `mamori audit --save-facts` with the current vulnerability data, IOC lists and rules",
    )
    .argument("<file...>", "facts files (JSON)");
  addExitOptions(addIgnoreOptions(addOutputOptions(cmd)))
    .option("--data-dir <dir>", "directory of mamori's vulnerability and IOC data")
    .action(async (files: string[], raw) => {
      const opts = exitOptionsOf(raw, parseCommon({ ...raw, root: "/" }, io));
      const t = translator(opts.lang);
      if (opts.output && files.length > 1) throw new UsageError(t("facts.oneOutput"));
      const scanners = auditScanners();
      const ignore = ignoreRulesOf(raw, io, opts.lang);
      let code = 0;
      for (const file of files) {
        const bundle = await load(file, io.cwd, t, io, scanners);
        if (!bundle) {
          code = EXIT_ERROR;
          continue;
        }
        const doc = judgeBundle(
          bundle,
          { now: opts.now, lang: opts.lang, t, env: io.env, dataDir: opts.dataDir, ignore },
          scanners,
          "check",
        );
        code = Math.max(code, emitReport(doc, opts, io));
      }
      done(code);
    });
}

async function load(
  file: string,
  cwd: string,
  t: Translator,
  io: CliIo,
  scanners: AnyScanner[],
): Promise<FactsBundle | undefined> {
  try {
    return await validateAreas(await readFactsFile(path.resolve(cwd, file)), scanners);
  } catch (err) {
    let reason: string;
    if (err instanceof FactsError) reason = t(`facts.reason.${err.reason}` as MessageKey);
    else if (err instanceof FactsFileError)
      reason =
        err.message === "missing" || err.message === "notFile"
          ? t(`facts.reason.${err.message}` as MessageKey)
          : err.message;
    else throw err;
    // The file name is the user's, the detail the file's: neither may carry escape sequences.
    const detail = err instanceof FactsError && err.detail ? ` (${escapeTerminal(err.detail)})` : "";
    io.stderr.write(
      `${t("cli.error", { message: t("facts.bad", { file: escapeTerminal(file), reason }) + detail })}\n`,
    );
    return undefined;
  }
}
