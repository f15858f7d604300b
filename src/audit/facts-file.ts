import * as fs from "node:fs";
import { readFdLimited } from "../core/read-limited.ts";
import { writeFileAtomic } from "../core/write-file.ts";
import type { FactsBundle } from "../facts/bundle.ts";
import { FactsError, MAX_BUNDLE_BYTES } from "../facts/constants.ts";

/** A facts file that cannot be opened as a regular file ("missing", "notFile" or an errno code). */
export class FactsFileError extends Error {}

/**
 * Reads a saved bundle with a byte cap: O_NONBLOCK so a FIFO cannot hang the run, a regular file only,
 * never more than the cap in memory. Parsing and validation are src/facts/read.ts's.
 */
export async function readFactsFile(file: string, maxBytes = MAX_BUNDLE_BYTES): Promise<FactsBundle> {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FactsFileError(code === "ENOENT" ? "missing" : (code ?? "error"));
  }
  let buf: Buffer | undefined;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new FactsFileError("notFile");
    // Refused before a byte is read: a sparse 1 TB file costs nothing to make and must cost nothing to refuse.
    if (st.size > maxBytes) throw new FactsError("too-large", `${st.size} > ${maxBytes}`);
    buf = readFdLimited(fd, st.size, maxBytes);
  } finally {
    fs.closeSync(fd);
  }
  if (!buf) throw new FactsError("too-large", `> ${maxBytes}`);
  // The schemas (and zod) are loaded only to read a bundle: `audit --save-facts` and `collect` never need them.
  const { parseFactsBundle } = await import("../facts/read.ts");
  return parseFactsBundle(buf, maxBytes);
}

/** Saves a bundle whole or not at all, readable by its owner only (it holds command lines and paths). */
export function writeFactsFile(file: string, bundle: FactsBundle): void {
  writeFileAtomic(file, `${JSON.stringify(bundle)}\n`, { mode: 0o600 });
}
