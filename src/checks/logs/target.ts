/**
 * What a request reached on the server: the path decoded and normalised the way a vulnerable Apache
 * did, then resolved to its target. 2.4.49 decodes once before removing dot segments (so `.%2e` is
 * `..`); 2.4.50 decodes `%%32%65` / `%2%65` once more when the alias is mapped; a patched server
 * refuses both with 400. Whether the server really followed the path is told by its answer (status,
 * size, error log), not here: this only names the target so that every spelling of one read of
 * /etc/passwd is one target. Pure.
 */
import { decodeRounds } from "../../core/percent-decode.ts";

export interface Target {
  /** file: a file read outside the document tree; exec: a program run as CGI; page: a page of the site. */
  kind: "file" | "exec" | "page";
  /** Absolute path of the file or program, or the page's decoded path (query removed). */
  path: string;
  /** The request climbed out of where its prefix maps (`..` after decoding). */
  traversal: boolean;
}

/** Programs that run an attacker's body when executed as a CGI script. */
const EXEC_RE =
  /^\/(?:usr\/)?(?:local\/)?s?bin\/(?:ba|da|z|k|c|tc)?sh$|^\/(?:usr\/)?bin\/(?:env|perl|python[\d.]*|php[\d.]*)$/;

const memo = new Map<string, Target>();

export function resolveTarget(uri: string | undefined): Target {
  const u = uri ?? "";
  const hit = memo.get(u);
  if (hit) return hit;
  const t = resolve(u);
  if (memo.size > 4096) memo.clear();
  memo.set(u, t);
  return t;
}

function resolve(uri: string): Target {
  const q = uri.indexOf("?");
  const raw = q >= 0 ? uri.slice(0, q) : uri;
  // A backslash is no separator for Apache on Linux.
  const decoded = decodeRounds(raw);
  // Dot segments are removed as the URL is mapped; a walk that climbs above the URL's root has left the
  // site (through an alias or the document root) and reached what follows its last `..` (deep enough
  // walks land at /; too shallow ones land beside it, which the server's answer tells).
  const stack: string[] = [];
  let escaped = -1;
  const segs = decoded.split("/");
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    if (seg === "" || seg === ".") continue;
    if (seg !== "..") stack.push(seg);
    else if (stack.length > 0) stack.pop();
    else escaped = i;
  }
  if (escaped < 0) {
    const dir = decoded.endsWith("/") && stack.length > 0 ? "/" : "";
    return { kind: "page", path: `/${stack.join("/")}${dir}`, traversal: false };
  }
  let last = escaped;
  for (let i = escaped; i < segs.length; i++) if (segs[i] === "..") last = i;
  const rest = segs.slice(last + 1).filter((s) => s !== "" && s !== ".");
  const path = `/${rest.join("/")}`;
  return { kind: EXEC_RE.test(path) ? "exec" : "file", path, traversal: true };
}

/**
 * Sizes a file's content can have, for the files attackers read most: a 200 whose size cannot be the
 * file is not that file. Files under /proc report size 0 (Apache sends an empty body).
 */
export function sizeFits(path: string, size: number | undefined): boolean {
  if (size === undefined || size <= 0) return false;
  if (path === "/etc/hostname") return size <= 256;
  if (path === "/etc/passwd" || path === "/etc/group") return size >= 20;
  return true;
}
