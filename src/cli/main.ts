import { runCli } from "./app.ts";
import { processIo } from "./io.ts";

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
