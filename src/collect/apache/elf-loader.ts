/**
 * What the dynamic loader reads when an ELF executable starts: its program interpreter (PT_INTERP), the
 * library directories it names (DT_RPATH, DT_RUNPATH) and libraries it names by path (a DT_NEEDED with a
 * "/"). mamori runs `httpd -v`/`-l` as root only when root alone can change all of them: a source-built
 * httpd linked with `-rpath /usr/local/apache2/lib` whose lib directory the web user owns would otherwise
 * run that user's libapr as root. Read from the descriptor that is executed, in bounded reads: the file
 * may have been written to mislead this reader, so a header it cannot follow is an answer ("unreadable"),
 * never a guess.
 */
import * as fs from "node:fs";

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

/** Bounds: no real executable comes near them (httpd: 13 program headers, about 30 dynamic entries). */
const MAX_PHNUM = 256;
const MAX_DYN_ENTRIES = 4096;
const MAX_STRING = 4096;
const MAX_INTERP = 4096;

export interface LoaderNames {
  interp?: string;
  /** DT_RPATH and DT_RUNPATH, each as written (colon-separated lists, possibly with $ORIGIN). */
  rpath: string[];
  runpath: string[];
  needed: string[];
}

export type LoaderRead = { ok: true; names: LoaderNames } | { ok: false; why: string };

interface Elf {
  fd: number;
  size: number;
  is64: boolean;
  le: boolean;
}

function readAt(e: Elf, offset: number, length: number): Buffer {
  if (offset < 0 || length < 0 || offset + length > e.size)
    throw new ElfError("a header points past the file");
  const b = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(e.fd, b, got, length - got, offset + got);
    if (n === 0) throw new ElfError("the file ended early");
    got += n;
  }
  return b;
}

class ElfError extends Error {}

function word(e: Elf, b: Buffer, at: number): number {
  if (!e.is64) return e.le ? b.readUInt32LE(at) : b.readUInt32BE(at);
  const v = e.le ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError("an offset is out of range");
  return Number(v);
}

function u16(e: Elf, b: Buffer, at: number): number {
  return e.le ? b.readUInt16LE(at) : b.readUInt16BE(at);
}

function u32(e: Elf, b: Buffer, at: number): number {
  return e.le ? b.readUInt32LE(at) : b.readUInt32BE(at);
}

/** A NUL-terminated string at `offset`, at most `max` bytes. */
function cString(e: Elf, offset: number, max: number): string {
  const b = readAt(e, offset, Math.min(max, e.size - offset));
  const end = b.indexOf(0);
  if (end < 0) throw new ElfError("a name has no end");
  return b.toString("latin1", 0, end);
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

export function readLoaderNames(fd: number): LoaderRead {
  try {
    const size = fs.fstatSync(fd).size;
    const probe: Elf = { fd, size, is64: false, le: true };
    const ident = readAt(probe, 0, 16);
    if (ident.readUInt32BE(0) !== 0x7f454c46) return { ok: false, why: "not an ELF file" };
    const cls = ident[4];
    const data = ident[5];
    if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2))
      return { ok: false, why: "an ELF class or byte order no loader knows" };
    const e: Elf = { fd, size, is64: cls === 2, le: data === 1 };
    const h = readAt(e, 0, e.is64 ? 64 : 52);
    const phoff = word(e, h, e.is64 ? 0x20 : 0x1c);
    const phentsize = u16(e, h, e.is64 ? 0x36 : 0x2a);
    const phnum = u16(e, h, e.is64 ? 0x38 : 0x2c);
    if (phnum > MAX_PHNUM) return { ok: false, why: `${phnum} program headers` };
    if (phentsize < (e.is64 ? 56 : 32)) return { ok: false, why: "program headers too small" };
    const segs: Segment[] = [];
    const ph = readAt(e, phoff, phentsize * phnum);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      segs.push(
        e.is64
          ? {
              type: u32(e, ph, at),
              offset: word(e, ph, at + 8),
              vaddr: word(e, ph, at + 16),
              filesz: word(e, ph, at + 32),
            }
          : {
              type: u32(e, ph, at),
              offset: word(e, ph, at + 4),
              vaddr: word(e, ph, at + 8),
              filesz: word(e, ph, at + 16),
            },
      );
    }
    const names: LoaderNames = { rpath: [], runpath: [], needed: [] };
    const interps = segs.filter((s) => s.type === PT_INTERP);
    if (interps.length > 1) return { ok: false, why: "more than one program interpreter" };
    const interp = interps[0];
    if (interp) names.interp = cString(e, interp.offset, Math.min(interp.filesz, MAX_INTERP));
    const dyns = segs.filter((s) => s.type === PT_DYNAMIC);
    if (dyns.length > 1) return { ok: false, why: "more than one dynamic section" };
    const dyn = dyns[0];
    if (!dyn) return { ok: true, names };
    const entSize = e.is64 ? 16 : 8;
    const count = Math.floor(dyn.filesz / entSize);
    if (count > MAX_DYN_ENTRIES) return { ok: false, why: `${count} dynamic entries` };
    const d = readAt(e, dyn.offset, count * entSize);
    const refs: Array<{ tag: number; val: number }> = [];
    let strtab: number | undefined;
    let strsz: number | undefined;
    for (let i = 0; i < count; i++) {
      const at = i * entSize;
      const tag = word(e, d, at);
      const val = word(e, d, at + entSize / 2);
      if (tag === DT_NULL) break;
      if (tag === DT_STRTAB) strtab = val;
      else if (tag === DT_STRSZ) strsz = val;
      else if (tag === DT_NEEDED || tag === DT_RPATH || tag === DT_RUNPATH) refs.push({ tag, val });
    }
    if (refs.length === 0) return { ok: true, names };
    if (strtab === undefined) return { ok: false, why: "library names without a string table" };
    // The string table is an address in memory: the file offset is that of the loaded segment holding it.
    const load = segs.find(
      (s) => s.type === PT_LOAD && strtab !== undefined && strtab >= s.vaddr && strtab < s.vaddr + s.filesz,
    );
    if (!load) return { ok: false, why: "the string table is in no loaded segment" };
    const base = load.offset + (strtab - load.vaddr);
    for (const r of refs) {
      if (strsz !== undefined && r.val >= strsz) return { ok: false, why: "a name past the string table" };
      const s = cString(e, base + r.val, MAX_STRING);
      if (r.tag === DT_NEEDED) names.needed.push(s);
      else if (r.tag === DT_RPATH) names.rpath.push(s);
      else names.runpath.push(s);
    }
    return { ok: true, names };
  } catch (err) {
    if (err instanceof ElfError || err instanceof RangeError) return { ok: false, why: err.message };
    return { ok: false, why: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

/**
 * The directories of a DT_RPATH or DT_RUNPATH list as the loader reads them: `$ORIGIN` is the directory of
 * the object itself, an empty or relative entry is relative to the working directory (mamori runs the
 * binary from "/"). Undefined when an entry holds a token whose value this reader does not know ($LIB,
 * $PLATFORM): the loader's answer depends on the machine, so no directory is vouched for.
 */
export function searchDirs(list: string, origin: string): string[] | undefined {
  const out: string[] = [];
  for (const raw of list.split(":")) {
    const p = raw.replace(/\$\{ORIGIN\}|\$ORIGIN(?![A-Za-z0-9_])/g, origin);
    if (p.includes("$")) return undefined;
    out.push(p.startsWith("/") ? p : `/${p}`);
  }
  return out;
}
