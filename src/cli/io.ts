import * as fs from "node:fs";
import * as path from "node:path";

/** The outside world of one CLI run; tests pass their own to run commands in-process. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  /** Overrides the clock (tests); undefined means the real time. */
  now?: () => Date;
}

export function processIo(): CliIo {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

/** Writes through a temporary file and a rename, so a reader never sees half a report. */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
