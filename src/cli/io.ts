/** The outside world of one CLI run; tests pass their own to run commands in-process. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  /** Overrides the clock (tests); undefined means the real time. */
  now?: () => Date;
}

export function processIo(): CliIo {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}
