import { Command } from "commander";
import { COMMANDS, type Register } from "../../src/cli/app.ts";

/** Every command and subcommand mamori registers, as argv paths (["db", "update"]), from the real modules. */
export async function commandPaths(): Promise<string[][]> {
  const out: string[][] = [];
  const io = {
    env: { LANG: "C" },
    cwd: "/",
    stdout: { write: () => true },
    stderr: { write: () => true },
  };
  const walk = (cmd: Command, at: string[]) => {
    out.push(at);
    for (const sub of cmd.commands) walk(sub, [...at, sub.name()]);
  };
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const load = typeof entry === "function" ? entry : entry.load;
    const program = new Command("mamori");
    ((await load()) as Register)(program, io, () => {});
    const cmd = program.commands.find((c) => c.name() === name);
    if (cmd) walk(cmd, [name]);
  }
  return out;
}
