import { getCompileCacheDir } from "node:module";
import { fileURLToPath } from "node:url";
import { untrustedInstall } from "../core/install-check.ts";

// As root, code another user can change is their code running as root: refuse before loading more of it.
const codeDir = fileURLToPath(new URL("../..", import.meta.url));
const untrusted = process.geteuid?.() === 0 ? untrustedInstall(codeDir, process.execPath) : undefined;
if (untrusted) {
  // Loaded only here: the dictionary is most of what start-up would otherwise compile without the cache.
  const { langFromEnv, translator } = await import("../i18n/index.ts");
  const { escapeTerminal } = await import("../report/escape.ts");
  const t = translator(langFromEnv(process.env));
  process.stderr.write(`mamori: ${t("safety.untrustedInstall", { why: escapeTerminal(untrusted) })}\n`);
  process.exit(2);
}

// A reader that goes away (`mamori audit | head -1`) is not an error: further output is dropped and the
// command ends with its own exit code, without Node's stack trace for an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE" && err.code !== "ERR_STREAM_DESTROYED") throw err;
  });

// bin/mamori turns the cache on (NODE_COMPILE_CACHE) once it has checked it, before Node loads this file;
// run some other way, the same check is made here (it loads node:crypto, a tenth of `--help`'s time).
if (getCompileCacheDir() === undefined) (await import("../core/compile-cache.ts")).useCompileCache();
// Imported once the cache is on, so that they are loaded from it.
const { runCli } = await import("./app.ts");
const { processIo } = await import("./io.ts");

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
