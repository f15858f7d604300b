import type { ByteSource } from "./bytes.ts";

/**
 * SUSE's rpm "ndb" database (`Packages.db`, rpm lib/backend/ndb/rpmpkg.c), read without rpm: a 32-byte
 * header ("RpmP", version 0, generation, slot page count), slot pages of 16-byte slots ("Slot", package
 * index, block offset, block count; offset 0 is a free slot), and blobs in 16-byte blocks, each a head
 * ("BlbS", package index, time, length), the header blob, padding and a tail (adler32, length, "BlbE").
 * Little-endian. Checked as rpm checks it (slots inside the file and past the slot pages, block count
 * matching the length, tail and checksum), and bounded: the blobs read add up to no more than the file,
 * so a hostile file cannot make us read it twice.
 */

const HEADER_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_HEAD_MAGIC = 0x53626c42; // "BlbS"
const BLOB_TAIL_MAGIC = 0x45626c42; // "BlbE"
const PAGE = 4096;
const SLOT = 16;
const BLOCK = 16;
const HEAD = 16;
const TAIL = 12;
const MAX_SLOT_PAGES = 4096;

export interface NdbResult {
  values: Array<{ key: number; value: Uint8Array }>;
  problem?: string;
  skipped: string[];
  skippedCount: number;
}

/** RFC 1950 adler32, as rpmpkg.c computes it over head, blob and padding. */
export function adler32(data: Uint8Array, start = 1): number {
  let s1 = start & 0xffff;
  let s2 = (start >>> 16) & 0xffff;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      s1 += data[i] as number;
      s2 += s1;
    }
    s1 %= 65521;
    s2 %= 65521;
  }
  return ((s2 << 16) | s1) >>> 0;
}

export function readNdb(src: ByteSource, limits: { maxValue: number; maxValues: number }): NdbResult {
  const out: NdbResult = { values: [], skipped: [], skippedCount: 0 };
  const head = src.read(0, 32);
  if (!head) return { ...out, problem: "ndb-truncated" };
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (hv.getUint32(0, true) !== HEADER_MAGIC) return { ...out, problem: "ndb-bad-magic" };
  if (hv.getUint32(4, true) !== 0) return { ...out, problem: "ndb-version" };
  const slotPages = hv.getUint32(12, true);
  if (slotPages < 1 || slotPages > MAX_SLOT_PAGES || slotPages * PAGE > src.size)
    return { ...out, problem: "ndb-slot-pages" };
  const slots = src.read(0, slotPages * PAGE);
  if (!slots) return { ...out, problem: "ndb-truncated" };
  const sv = new DataView(slots.buffer, slots.byteOffset, slots.byteLength);
  const fileBlocks = Math.floor(src.size / BLOCK);
  const minBlock = (slotPages * PAGE) / BLOCK;
  const skip = (why: string) => {
    out.skippedCount++;
    if (out.skipped.length < 5) out.skipped.push(why);
  };
  let budget = src.size;
  const seen = new Set<number>();
  for (let at = 32; at + SLOT <= slots.length; at += SLOT) {
    if (sv.getUint32(at, true) !== SLOT_MAGIC) return { ...out, problem: "ndb-slot-magic" };
    const blkOff = sv.getUint32(at + 8, true);
    if (blkOff === 0) continue;
    const pkgIdx = sv.getUint32(at + 4, true);
    const blkCnt = sv.getUint32(at + 12, true);
    if (out.values.length >= limits.maxValues) return { ...out, problem: "ndb-too-many-values" };
    if (!pkgIdx || !blkCnt || blkOff < minBlock || blkOff + blkCnt > fileBlocks) {
      skip("ndb-slot-range");
      continue;
    }
    if (seen.has(pkgIdx)) {
      skip("ndb-duplicate-index");
      continue;
    }
    const size = blkCnt * BLOCK;
    if (size > limits.maxValue + HEAD + TAIL + BLOCK || size > budget) {
      skip("ndb-blob-length");
      continue;
    }
    const blob = src.read(blkOff * BLOCK, size);
    if (!blob) {
      skip("ndb-truncated");
      continue;
    }
    budget -= size;
    const bv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const len = bv.getUint32(12, true);
    if (bv.getUint32(0, true) !== BLOB_HEAD_MAGIC || bv.getUint32(4, true) !== pkgIdx) {
      skip("ndb-blob-head");
      continue;
    }
    if (Math.ceil((HEAD + len + TAIL) / BLOCK) !== blkCnt) {
      skip("ndb-blob-length");
      continue;
    }
    const tail = size - TAIL;
    if (
      bv.getUint32(tail + 8, true) !== BLOB_TAIL_MAGIC ||
      bv.getUint32(tail + 4, true) !== len ||
      bv.getUint32(tail, true) !== adler32(blob.subarray(0, tail))
    ) {
      skip("ndb-blob-tail");
      continue;
    }
    seen.add(pkgIdx);
    out.values.push({ key: pkgIdx, value: blob.slice(HEAD, HEAD + len) });
  }
  return out;
}
