import type { ByteSource } from "./bytes.ts";

/**
 * The values of a Berkeley DB hash database (rpm's `Packages` of EL7/EL8, libdb 5.3), read from its pages
 * without libdb. Every hash page is visited once, in file order, and each overflow page at most once over
 * the whole file, so a hostile file (loops, shared chains, offsets out of the page) costs linear time.
 * Layouts: libdb dbinc/db_page.h (PAGE, HKEYDATA, HOFFPAGE) and dbinc/db_am/hash meta (HMETA).
 */

const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;

export interface BdbLimits {
  /** Largest single value accepted (an rpm header is far below this). */
  maxValue: number;
  /** Most values returned. */
  maxValues: number;
}

export interface BdbResult {
  /** Values with their key read as rpm's header number. */
  values: Array<{ key: number; value: Uint8Array }>;
  /** Why the file could not be read at all. */
  problem?: string;
  /** Items skipped as broken, with why (the first few). */
  skipped: string[];
  skippedCount: number;
}

export function readBdbHash(src: ByteSource, limits: BdbLimits): BdbResult {
  const out: BdbResult = { values: [], skipped: [], skippedCount: 0 };
  const meta = src.read(0, 512);
  if (!meta) return { ...out, problem: "bdb-truncated" };
  const mv = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
  let le: boolean;
  if (mv.getUint32(12, true) === HASH_MAGIC) le = true;
  else if (mv.getUint32(12, false) === HASH_MAGIC) le = false;
  else if (mv.getUint32(12, true) === BTREE_MAGIC || mv.getUint32(12, false) === BTREE_MAGIC)
    return { ...out, problem: "bdb-not-hash" };
  else return { ...out, problem: "bdb-bad-magic" };
  const pageSize = mv.getUint32(20, le);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    return { ...out, problem: "bdb-page-size" };
  const lastPgno = mv.getUint32(32, le);
  // A page count beyond the file is a lie or a truncation: scan only the pages the file holds.
  const pages = Math.min(lastPgno + 1, Math.floor(src.size / pageSize));
  const skip = (why: string) => {
    out.skippedCount++;
    if (out.skipped.length < 5) out.skipped.push(why);
  };
  const overflowSeen = new Set<number>();
  const seenKeys = new Set<number>();

  const overflow = (pgno: number, total: number): Uint8Array | string => {
    if (total > limits.maxValue) return "bdb-value-too-large";
    const value = new Uint8Array(total);
    let got = 0;
    while (got < total) {
      if (pgno === 0 || pgno >= pages) return "bdb-overflow-page-out-of-range";
      if (overflowSeen.has(pgno)) return "bdb-overflow-page-reused";
      overflowSeen.add(pgno);
      const page = src.read(pgno * pageSize, pageSize);
      if (!page) return "bdb-truncated";
      const pv = new DataView(page.buffer, page.byteOffset, page.byteLength);
      if (page[25] !== P_OVERFLOW) return "bdb-overflow-page-type";
      const len = pv.getUint16(22, le);
      if (len === 0 || len > pageSize - PAGE_HEADER || len > total - got) return "bdb-overflow-length";
      value.set(page.subarray(PAGE_HEADER, PAGE_HEADER + len), got);
      got += len;
      pgno = pv.getUint32(16, le);
    }
    return value;
  };

  for (let pg = 1; pg < pages; pg++) {
    const page = src.read(pg * pageSize, pageSize);
    if (!page) break;
    const type = page[25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const pv = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const entries = pv.getUint16(20, le);
    if (PAGE_HEADER + 2 * entries > pageSize || entries % 2 !== 0) {
      skip("bdb-page-entries");
      continue;
    }
    const inp = (i: number) => pv.getUint16(PAGE_HEADER + 2 * i, le);
    // Item i runs from inp[i] to the start of item i-1 (items are packed downward from the page's end).
    const item = (i: number): { at: number; len: number } | undefined => {
      const at = inp(i);
      const end = i === 0 ? pageSize : inp(i - 1);
      if (at < PAGE_HEADER + 2 * entries || at >= end || end > pageSize) return undefined;
      return { at, len: end - at };
    };
    for (let i = 0; i + 1 < entries; i += 2) {
      if (out.values.length >= limits.maxValues) return { ...out, problem: "bdb-too-many-values" };
      const k = item(i);
      const d = item(i + 1);
      if (!k || !d) {
        skip("bdb-item-offset");
        continue;
      }
      if (page[k.at] !== H_KEYDATA || k.len !== 5) {
        skip("bdb-key");
        continue;
      }
      const key = pv.getUint32(k.at + 1, le);
      // Key 0 holds rpm's next header number, not a package.
      if (key === 0) continue;
      if (seenKeys.has(key)) {
        skip("bdb-duplicate-key");
        continue;
      }
      let value: Uint8Array | string;
      if (page[d.at] === H_KEYDATA) value = page.slice(d.at + 1, d.at + d.len);
      else if (page[d.at] === H_OFFPAGE && d.len >= 12)
        value = overflow(pv.getUint32(d.at + 4, le), pv.getUint32(d.at + 8, le));
      else value = "bdb-item-type";
      if (typeof value === "string") {
        skip(value);
        continue;
      }
      seenKeys.add(key);
      out.values.push({ key, value });
    }
  }
  return out;
}
