import { useCompileCache } from "../core/compile-cache.ts";

useCompileCache();
// Imported once the cache is on, so that they are loaded from it.
const { runCli } = await import("./app.ts");
const { processIo } = await import("./io.ts");

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
