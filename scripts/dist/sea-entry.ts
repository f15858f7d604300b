/**
 * The main script of the single executable (bundled by bundle.ts). It does what bin/mamori and
 * src/cli/main.ts do for a checkout: refuse to run as root from a file another user can change, then
 * run the CLI. Its own files are served from the executable's assets (sea-fs.ts).
 */
import { getAsset } from "node:sea";
import { runCli } from "../../src/cli/app.ts";
import { processIo } from "../../src/cli/io.ts";
import { untrustedComponent } from "../../src/core/install-check.ts";
import { langFromEnv, translator } from "../../src/i18n/index.ts";
import { escapeTerminal } from "../../src/report/escape.ts";
import { installSeaFs, type Manifest } from "./sea-fs.ts";

const SEA_ROOT = "/proc/mamori-sea";

async function main(): Promise<void> {
  // node:sqlite is still marked experimental: its warning is noise for a user of the tool.
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((w: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === "ExperimentalWarning" || (w instanceof Error && w.name === "ExperimentalWarning")) return;
    (emit as (...a: unknown[]) => void)(w, ...rest);
  }) as typeof process.emitWarning;

  // As root, an executable another user can replace is their code running as root.
  const untrusted = process.geteuid?.() === 0 ? untrustedComponent(process.execPath) : undefined;
  if (untrusted) {
    const t = translator(langFromEnv(process.env));
    process.stderr.write(`mamori: ${t("safety.untrustedInstall", { why: escapeTerminal(untrusted) })}\n`);
    process.exit(2);
  }
  installSeaFs(SEA_ROOT, JSON.parse(getAsset("manifest.json", "utf8")) as Manifest);
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}

void main();
