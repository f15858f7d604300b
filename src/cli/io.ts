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

/**
 * Writes through a temporary file and a rename, so a reader never sees half a report.
 * A target that is not a regular file (/dev/null, /dev/stdout, a FIFO) is written in place: renaming over
 * it would replace the device with a file (run as root, `--output /dev/null` destroyed /dev/null).
 */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  let existing: fs.Stats | undefined;
  try {
    existing = fs.statSync(file);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isFile()) {
    fs.writeFileSync(file, content);
    return;
  }
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
