import { cutSpacedComment } from "../core/cut.ts";
import type { Endpoint } from "./http.ts";

export interface ParsedTarget {
  /** As the user wrote it (for the report). */
  input: string;
  url?: URL;
  endpoint?: Omit<Endpoint, "insecure">;
  /** Path and query of the given URL, as written. */
  path?: string;
  error?: string;
}

const HOSTISH = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?(\/\S*)?$/;

/** A target URL (http or https); a bare `host[:port]` means http. Anything else is a per-target error. */
export function parseTarget(input: string): ParsedTarget {
  const s = input.trim();
  if (s.length > 2048) return { input: s.slice(0, 80), error: "too-long" };
  let text = s;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    if (!HOSTISH.test(s)) return { input: s, error: "invalid-url" };
    text = `http://${s}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { input: s, error: "invalid-url" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { input: s, error: "unsupported-scheme" };
  if (!url.hostname) return { input: s, error: "invalid-url" };
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  // The path as the user typed it: only the path and query of the given URL, never normalised.
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(text);
  let path = m?.[1] || "/";
  if (!path.startsWith("/")) path = `/${path}`;
  if (/[\s\u0000-\u001f\u007f]/.test(path)) return { input: s, error: "invalid-url" };
  return {
    input: s,
    url,
    path,
    endpoint: { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ""), port },
  };
}

/** Targets from a file: one per line, `#` comments and blank lines skipped; garbage becomes an error entry. */
export function parseTargetsFile(text: string, maxTargets = 10000): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = cutSpacedComment(raw).trim();
    if (line === "" || line.startsWith("#")) continue;
    out.push(line);
    if (out.length >= maxTargets) break;
  }
  return out;
}
