import { runCli } from "../../src/cli/app.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a mamori command line in-process with its own environment and captured output. */
export async function mamori(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; now?: Date } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    env: { LANG: "en_US.UTF-8", ...opts.env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: opts.cwd ?? process.cwd(),
    now: opts.now ? () => opts.now as Date : undefined,
  });
  return { code, stdout, stderr };
}
