/**
 * extractTopLevelMember over a download as it arrives: only the member's own bytes are kept, so
 * Debian's whole tracker JSON (tens of MB today, whatever a hostile mirror sends tomorrow) never sits
 * in memory. Same rules as json-member.ts: the first top-level member named `key` whose value is an
 * object or array, and the whole text checked to its end (a truncated download is refused). JSON's
 * structural characters are ASCII and never occur inside a UTF-8 multibyte sequence, so bytes suffice.
 */
import type { MemberResult } from "./json-member.ts";

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const COMMA = 44;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export class MemberStream {
  private readonly key: Buffer;
  private readonly maxMemberBytes: number;
  private stack: number[] = [];
  private started = false;
  private ended = false;
  private inString = false;
  private escaped = false;
  private expectKey = false;
  /** Bytes of the depth-1 key being read (undefined when it is no key or already longer than ours). */
  private keyBytes: number[] | undefined;
  private lastKeyMatches = false;
  private capturing = false;
  private captured: Buffer[] = [];
  private capturedBytes = 0;
  private value: string | undefined;
  private error: string | undefined;
  private bom = 0;

  constructor(key: string, maxMemberBytes: number) {
    this.key = Buffer.from(key);
    this.maxMemberBytes = maxMemberBytes;
  }

  /** Feeds the next bytes; false once the text is known to be wrong (the rest need not be read). */
  push(chunk: Uint8Array): boolean {
    if (this.error) return false;
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (!this.started) {
        // A UTF-8 byte order mark before the text (/\s/ accepts U+FEFF in the string version).
        if (this.bom < 3 && c === [0xef, 0xbb, 0xbf][this.bom]) {
          this.bom++;
          continue;
        }
        if (this.bom > 0 && this.bom < 3) return this.fail("not a JSON object");
        if (isSpace(c)) continue;
        if (c !== OPEN_BRACE) return this.fail("not a JSON object");
        this.started = true;
        this.stack.push(c);
        this.expectKey = true;
        continue;
      }
      if (this.ended) {
        if (!isSpace(c)) return this.fail("data after the end");
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyBytes) this.lastKeyMatches = this.keyBytes.length === this.key.length;
          this.keyBytes = undefined;
          continue;
        }
        if (this.keyBytes) {
          const k = this.keyBytes.length;
          if (k < this.key.length && this.key[k] === c) this.keyBytes.push(c);
          else this.keyBytes = undefined;
        }
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.stack.length === 1 && this.expectKey) {
          this.keyBytes = [];
          this.lastKeyMatches = false;
        }
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.stack.push(c);
        if (this.stack.length === 2 && this.lastKeyMatches && this.value === undefined && !this.capturing) {
          this.capturing = true;
          from = i;
        }
        this.expectKey = false;
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const open = this.stack.pop();
        if (open !== (c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET)) return this.fail("unbalanced brackets");
        if (this.stack.length === 1 && this.capturing) {
          if (!this.keep(chunk.subarray(from, i + 1))) return false;
          this.capturing = false;
          this.value = Buffer.concat(this.captured).toString("utf8");
          this.captured = [];
        }
        if (this.stack.length === 0) this.ended = true;
        continue;
      }
      if (this.stack.length === 1) {
        if (c === COMMA) {
          this.expectKey = true;
          this.lastKeyMatches = false;
        } else if (c === COLON) this.expectKey = false;
      }
    }
    if (this.capturing) return this.keep(chunk.subarray(from));
    return true;
  }

  /** The member (undefined when absent), or why the text is not one whole JSON object. */
  end(): MemberResult {
    if (this.error) return { ok: false, error: this.error };
    if (!this.started) return { ok: false, error: "not a JSON object" };
    if (this.inString) return { ok: false, error: "unterminated string" };
    if (!this.ended) return { ok: false, error: "unexpected end (truncated?)" };
    return { ok: true, value: this.value };
  }

  private keep(bytes: Uint8Array): boolean {
    this.capturedBytes += bytes.length;
    if (this.capturedBytes > this.maxMemberBytes)
      return this.fail(`the member is larger than ${Math.round(this.maxMemberBytes / 1024 / 1024)} MiB`);
    this.captured.push(Buffer.from(bytes));
    return true;
  }

  private fail(error: string): false {
    this.error = error;
    this.captured = [];
    return false;
  }
}
