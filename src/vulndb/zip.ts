/**
 * A small, strict zip reader for the feeds published as one archive (OSV's `<ecosystem>/all.zip`).
 * It reads the central directory, never trusts a size it cannot check, and refuses what a normal archive
 * writer never produces: several disks, encryption, zip64 fields that disagree, entries that overlap or
 * lie outside the data area, names that climb out of a directory. Each refusal is one short ASCII line.
 *
 * The archive is read by position (a file descriptor on a local or spooled copy), so its size does not
 * decide how much memory is used: only the central directory and one entry at a time are held.
 */
import * as zlib from "node:zlib";

export interface ZipLimits {
  /** Entries in the central directory. */
  maxEntries: number;
  /** Uncompressed bytes of one entry that is read. */
  maxEntryBytes: number;
  /** Uncompressed bytes of all entries that are read together. */
  maxTotalBytes: number;
}

/** Positional reads over the archive's bytes. */
export interface RandomAccess {
  size: number;
  /** Exactly `length` bytes at `position` (the caller stays within `size`). */
  read(position: number, length: number): Buffer;
}

/** Why an archive was refused; the message is safe to print (no archive bytes in it beyond a cleaned name). */
export class ZipError extends Error {}

export function bufferAccess(buf: Buffer): RandomAccess {
  return { size: buf.length, read: (p, n) => buf.subarray(p, p + n) };
}

interface Entry {
  name: string;
  /** The name as printed in a message: ASCII, short. */
  label: string;
  nameBytes: Buffer;
  method: number;
  flags: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_CENTRAL_BYTES = 64 * 1024 * 1024;

/**
 * Calls `onEntry` with the bytes of every entry whose name `want` accepts, in archive order. The whole
 * structure is checked before the first entry is handed over: a broken archive yields nothing.
 */
export function readZip(
  src: RandomAccess,
  limits: ZipLimits,
  want: (name: string) => boolean,
  onEntry: (name: string, data: Buffer) => void,
): { entries: number; read: number } {
  const entries = centralDirectory(src, limits);
  const chosen = entries.filter((e) => !e.name.endsWith("/") && want(e.name));
  let total = 0;
  for (const e of chosen) {
    if (e.usize > limits.maxEntryBytes || e.csize > limits.maxEntryBytes)
      throw new ZipError(`entry ${e.label} is ${e.usize} bytes, over the ${limits.maxEntryBytes}-byte limit`);
    total += e.usize;
    if (total > limits.maxTotalBytes)
      throw new ZipError(`the entries would expand to more than ${limits.maxTotalBytes} bytes`);
  }
  for (const e of chosen) onEntry(e.name, extract(src, e));
  return { entries: entries.length, read: chosen.length };
}

function extract(src: RandomAccess, e: Entry): Buffer {
  const header = src.read(e.offset, 30);
  const start = e.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const packed = src.read(start, e.csize);
  let data: Buffer;
  if (e.method === 0) data = packed;
  else {
    try {
      // The declared size is the cap: a stream that inflates past it lied about its size (a bomb).
      data = zlib.inflateRawSync(packed, { maxOutputLength: Math.max(1, e.usize) });
    } catch (err) {
      const tooBig =
        (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError;
      throw new ZipError(
        tooBig
          ? `entry ${e.label} expands beyond its declared ${e.usize} bytes`
          : `entry ${e.label} is not valid deflate data`,
      );
    }
  }
  if (data.length !== e.usize || zlib.crc32(data) !== e.crc)
    throw new ZipError(`entry ${e.label} is corrupt (size or CRC does not match the directory)`);
  return data;
}

function centralDirectory(src: RandomAccess, limits: ZipLimits): Entry[] {
  if (src.size < 22) throw new ZipError("not a zip archive (too short)");
  const tailLength = Math.min(src.size, 22 + 0xffff);
  const tailStart = src.size - tailLength;
  const tail = src.read(tailStart, tailLength);
  let at = -1;
  // The end record is the last one whose comment reaches exactly to the end of the file.
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      at = i;
      break;
    }
  if (at < 0) throw new ZipError("no end of central directory (truncated, or not a zip archive)");
  const eocdPos = tailStart + at;
  const end = tail.subarray(at, at + 22);
  const disk = end.readUInt16LE(4);
  const cdDisk = end.readUInt16LE(6);
  const onDisk = end.readUInt16LE(8);
  let count = end.readUInt16LE(10);
  let cdSize = end.readUInt32LE(12);
  let cdOffset = end.readUInt32LE(16);
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ZipError("multi-disk archives are not read");
  let cdEnd = eocdPos;

  const locatorPos = eocdPos - 20;
  const hasLocator = locatorPos >= 0 && src.read(locatorPos, 4).readUInt32LE(0) === LOCATOR64;
  const saturated = count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
  if (saturated && !hasLocator) throw new ZipError("zip64 sizes without a zip64 record");
  if (hasLocator) {
    const loc = src.read(locatorPos, 20);
    const recPos = u64(loc, 8);
    if (loc.readUInt32LE(4) !== 0 || loc.readUInt32LE(16) !== 1 || recPos + 56 > locatorPos)
      throw new ZipError("zip64 locator points outside the archive");
    const rec = src.read(recPos, 56);
    // The zip64 end record must end where its locator starts: no hidden data between them.
    if (rec.readUInt32LE(0) !== EOCD64 || recPos + 12 + u64(rec, 4) !== locatorPos)
      throw new ZipError("zip64 end record is malformed");
    if (rec.readUInt32LE(16) !== 0 || rec.readUInt32LE(20) !== 0 || u64(rec, 24) !== u64(rec, 32))
      throw new ZipError("multi-disk archives are not read");
    const agree = (small: number, sentinel: number, big: number) => small === sentinel || small === big;
    const count64 = u64(rec, 32);
    const size64 = u64(rec, 40);
    const offset64 = u64(rec, 48);
    if (
      !agree(count, 0xffff, count64) ||
      !agree(cdSize, 0xffffffff, size64) ||
      !agree(cdOffset, 0xffffffff, offset64)
    )
      throw new ZipError("zip64 and classic end records disagree");
    count = count64;
    cdSize = size64;
    cdOffset = offset64;
    cdEnd = recPos;
  }
  if (cdOffset + cdSize !== cdEnd)
    throw new ZipError("central directory does not end where the archive says (truncated or altered)");
  if (count > limits.maxEntries) throw new ZipError(`more than ${limits.maxEntries} entries (${count})`);
  // Each central entry takes at least 46 bytes: a directory much larger than the count allows is a lie.
  if (cdSize > MAX_CENTRAL_BYTES || cdSize > count * (46 + 3 * 0xffff) || cdSize < count * 46)
    throw new ZipError(`central directory size does not fit ${count} entries`);

  const cd = src.read(cdOffset, cdSize);
  const entries: Entry[] = [];
  const names = new Set<string>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL)
      throw new ZipError(`the archive says ${count} entries, its directory holds ${i}`);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > cd.length) throw new ZipError(`the archive says ${count} entries, its directory holds ${i}`);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLen);
    const name = entryName(nameBytes);
    if (flags & 0x41) throw new ZipError(`entry ${label(name)} is encrypted`);
    if (method !== 0 && method !== 8)
      throw new ZipError(`entry ${label(name)} uses compression method ${method}`);
    if (cd.readUInt16LE(p + 34) !== 0) throw new ZipError("multi-disk archives are not read");
    if (names.has(name)) throw new ZipError(`entry ${label(name)} appears twice`);
    names.add(name);
    let usize = cd.readUInt32LE(p + 24);
    let csize = cd.readUInt32LE(p + 20);
    let offset = cd.readUInt32LE(p + 42);
    if (usize === 0xffffffff || csize === 0xffffffff || offset === 0xffffffff) {
      const z = zip64Extra(cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
      let k = 0;
      const take = () => {
        if (!z || k + 8 > z.length) throw new ZipError(`entry ${label(name)}: zip64 sizes missing`);
        const v = u64(z, k);
        k += 8;
        return v;
      };
      if (usize === 0xffffffff) usize = take();
      if (csize === 0xffffffff) csize = take();
      if (offset === 0xffffffff) offset = take();
    }
    if (method === 0 && csize !== usize) throw new ZipError(`entry ${label(name)}: stored sizes differ`);
    entries.push({
      name,
      label: label(name),
      nameBytes,
      method,
      flags,
      crc: cd.readUInt32LE(p + 16),
      csize,
      usize,
      offset,
    });
    p = next;
  }
  if (p !== cd.length) throw new ZipError(`the archive says ${count} entries, its directory holds more`);
  checkLayout(src, entries, cdOffset);
  return entries;
}

/** Every entry's local header agrees with the directory, and no two entries share a byte. */
function checkLayout(src: RandomAccess, entries: Entry[], dataEnd: number): void {
  let previousEnd = 0;
  for (const e of [...entries].sort((a, b) => a.offset - b.offset)) {
    if (e.offset < previousEnd) throw new ZipError(`entry ${e.label} overlaps another entry`);
    if (e.offset + 30 > dataEnd) throw new ZipError(`entry ${e.label} lies outside the data area`);
    const h = src.read(e.offset, 30);
    if (h.readUInt32LE(0) !== LOCAL) throw new ZipError(`entry ${e.label} has no local header`);
    const nameLen = h.readUInt16LE(26);
    const start = e.offset + 30 + nameLen + h.readUInt16LE(28);
    const stop = start + e.csize;
    if (stop > dataEnd) throw new ZipError(`entry ${e.label} lies outside the data area`);
    if (h.readUInt16LE(8) !== e.method || !src.read(e.offset + 30, nameLen).equals(e.nameBytes))
      throw new ZipError(`entry ${e.label}: local header disagrees with the directory`);
    previousEnd = stop;
  }
}

function zip64Extra(extra: Buffer): Buffer | undefined {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (i + 4 + len > extra.length) return undefined;
    if (id === 0x0001) return extra.subarray(i + 4, i + 4 + len);
    i += 4 + len;
  }
  return undefined;
}

function u64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError("zip64 value out of range");
  return Number(v);
}

function label(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, "?").slice(0, 80);
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * An entry name as a relative path: nothing is ever written from an archive, but a name that climbs
 * (`../x`), starts at the root or hides a control character says the archive was made to trick someone.
 */
function entryName(bytes: Buffer): string {
  let name: string;
  try {
    name = decoder.decode(bytes);
  } catch {
    throw new ZipError("an entry name is not valid UTF-8");
  }
  const shown = label(name);
  if (!name || /[\u0000-\u001f\u007f\\]/.test(name) || name.startsWith("/") || /^[A-Za-z]:/.test(name))
    throw new ZipError(`unsafe entry name ${JSON.stringify(shown)}`);
  if (name.split("/").some((part) => part === ".." || part === "."))
    throw new ZipError(`unsafe entry name ${JSON.stringify(shown)}`);
  return name;
}
