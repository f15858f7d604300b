/**
 * rpm's header blob, as every rpm database stores it (rpm lib/header.c, headerImport): two big-endian
 * counts, `il` index entries of 16 bytes, then `dl` bytes of data. The blob may be attacker-written
 * (`--root` of an image), so every count and offset is checked against the blob before it is used,
 * and the work is linear in the blob's size.
 */

/** rpm's own limits (hdrchkTags / hdrchkData): a larger count is a broken or hostile blob. */
const MAX_TAGS = 0xffff;
const MAX_DATA = 0x0fffffff;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  vendor: 1011,
  arch: 1022,
  oldFilenames: 1027,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  modularityLabel: 5096,
} as const;

export interface RpmPackage {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  /** "httpd-2.4.62-13.el9_8.5.src.rpm" */
  sourceRpm?: string;
  vendor?: string;
  /** EL8 module streams: "httpd:2.4:8100020240411031452:..." */
  modularityLabel?: string;
}

export type HeaderResult = { ok: true; pkg: RpmPackage; header: RpmHeader } | { ok: false; problem: string };

interface Entry {
  type: number;
  offset: number;
  count: number;
}

/** A checked header: the index is known to lie inside the blob; each tag is decoded on demand. */
export class RpmHeader {
  private readonly data: Uint8Array;
  private readonly entries: Map<number, Entry>;

  constructor(data: Uint8Array, entries: Map<number, Entry>) {
    this.data = data;
    this.entries = entries;
  }

  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e || (e.type !== TYPE_STRING && e.type !== TYPE_I18NSTRING && e.type !== TYPE_STRING_ARRAY))
      return undefined;
    return this.strings(e, 1)?.[0];
  }

  stringArray(tag: number): string[] | undefined {
    const e = this.entries.get(tag);
    if (!e || e.type !== TYPE_STRING_ARRAY) return undefined;
    return this.strings(e, e.count);
  }

  int32Array(tag: number): number[] | undefined {
    const e = this.entries.get(tag);
    if (!e || e.type !== TYPE_INT32) return undefined;
    if (e.count > (this.data.length - e.offset) / 4) return undefined;
    const view = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    const out: number[] = new Array(e.count);
    for (let i = 0; i < e.count; i++) out[i] = view.getInt32(e.offset + 4 * i, false);
    return out;
  }

  /** NUL-terminated strings starting at the entry's offset; undefined when one runs past the data. */
  private strings(e: Entry, count: number): string[] | undefined {
    // Every string takes at least one byte, so a count larger than the data left cannot be honest.
    if (count > this.data.length - e.offset) return undefined;
    const out: string[] = [];
    let pos = e.offset;
    const dec = new TextDecoder("utf-8", { fatal: false });
    for (let i = 0; i < count; i++) {
      const end = this.data.indexOf(0, pos);
      if (end < 0) return undefined;
      out.push(dec.decode(this.data.subarray(pos, end)));
      pos = end + 1;
    }
    return out;
  }

  /**
   * The files the package installs, as absolute paths (BASENAMES/DIRNAMES/DIRINDEXES, or OLDFILENAMES of
   * rpm before 4.0); undefined when the lists disagree.
   */
  files(): string[] | undefined {
    const base = this.stringArray(TAG.baseNames);
    if (!base)
      return this.stringArray(TAG.oldFilenames) ?? (this.entries.has(TAG.baseNames) ? undefined : []);
    const dirs = this.stringArray(TAG.dirNames);
    const idx = this.int32Array(TAG.dirIndexes);
    if (!dirs || !idx || idx.length !== base.length) return undefined;
    const out: string[] = new Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const d = dirs[idx[i] as number];
      if (d === undefined) return undefined;
      out[i] = d + base[i];
    }
    return out;
  }
}

/**
 * Checks a header blob (without the 8-byte magic the .rpm file format puts before it, as databases
 * store it) and reads the package's identity. Never throws.
 */
export function parseRpmHeader(blob: Uint8Array): HeaderResult {
  if (blob.length < 8) return { ok: false, problem: "header-truncated" };
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const il = view.getUint32(0, false);
  const dl = view.getUint32(4, false);
  if (il < 1 || il > MAX_TAGS) return { ok: false, problem: "header-index-count" };
  if (dl > MAX_DATA) return { ok: false, problem: "header-data-length" };
  const dataStart = 8 + il * 16;
  if (dataStart + dl > blob.length) return { ok: false, problem: "header-truncated" };
  const data = blob.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, Entry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = view.getUint32(at, false);
    const type = view.getUint32(at + 4, false);
    const offset = view.getUint32(at + 8, false);
    const count = view.getUint32(at + 12, false);
    if (type > 9) return { ok: false, problem: "header-entry-type" };
    // Each decoder checks its own extent; here only what no entry may do.
    if (offset > dl) return { ok: false, problem: "header-entry-offset" };
    if (count > dl + 16) return { ok: false, problem: "header-entry-count" };
    if (!entries.has(tag)) entries.set(tag, { type, offset, count });
  }
  const h = new RpmHeader(data, entries);
  const name = h.string(TAG.name);
  const version = h.string(TAG.version);
  const release = h.string(TAG.release);
  if (!name || !version || release === undefined) return { ok: false, problem: "header-no-nevr" };
  const epoch = h.int32Array(TAG.epoch)?.[0];
  const pkg: RpmPackage = { name, version, release };
  if (epoch !== undefined) pkg.epoch = epoch;
  const arch = h.string(TAG.arch);
  if (arch) pkg.arch = arch;
  const srpm = h.string(TAG.sourceRpm);
  if (srpm) pkg.sourceRpm = srpm;
  const vendor = h.string(TAG.vendor);
  if (vendor) pkg.vendor = vendor;
  const mod = h.string(TAG.modularityLabel);
  if (mod) pkg.modularityLabel = mod;
  return { ok: true, pkg, header: h };
}

/** "1:2.4.62-13.el9_8.5", the epoch only when the header has one (rpm -q prints it the same way). */
export function evr(p: RpmPackage): string {
  return `${p.epoch !== undefined ? `${p.epoch}:` : ""}${p.version}-${p.release}`;
}

/** The source package's name from SOURCERPM ("httpd-2.4.62-13.el9_8.5.src.rpm" is "httpd"). */
export function sourceName(p: RpmPackage): string | undefined {
  const m = /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(p.sourceRpm ?? "");
  return m?.[1];
}
