/** The outside world of one CLI run; tests pass their own to run commands in-process. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: {
    write(s: string): unknown;
    isTTY?: boolean;
    /** Writes at a journald priority (journald.ts); streams without it take plain writes. */
    writeAt?(priority: 3 | 4 | 6, s: string): unknown;
  };
  cwd: string;
  /** Overrides the clock (tests); undefined means the real time. */
  now?: () => Date;
  /** The file descriptors behind stdout and stderr, to tell whether they are the journal (journald.ts). */
  stdoutFd?: number;
  stderrFd?: number;
}

export function processIo(): CliIo {
  return {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    stdoutFd: 1,
    stderrFd: 2,
  };
}
