import * as fs from "node:fs";

/** Random access to a database file, so a reader fetches only the pages it follows (not a whole 200 MB file). */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset`, or undefined when they are not all in the file. */
  read(offset: number, length: number): Uint8Array | undefined;
}

export function bufferSource(buf: Uint8Array): ByteSource {
  return {
    size: buf.length,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > buf.length) return undefined;
      return buf.subarray(offset, offset + length);
    },
  };
}

/** Reads an open descriptor (the caller opened it through RootFs and closes it). */
export function fdSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) return undefined;
      const out = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = fs.readSync(fd, out, got, length - got, offset + got);
        if (n === 0) return undefined;
        got += n;
      }
      return out;
    },
  };
}
