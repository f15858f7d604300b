import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * EMULATION of how upstream httpd 2.4.49 and 2.4.50 handled request paths, for the probe tests
 * (the vulnerable builds cannot be installed here). It reproduces, status for status, the answers
 * measured on the real builds in ../shared/vulndata/lab-table.md:
 *
 * 1. ap_normalize_path with DECODE_UNRESERVED and NOT_ABOVE_ROOT: dot segments are removed and `..`
 *    above the root is a 400. 2.4.49 recognised `..` only when the second dot was literal (so `.%2e`
 *    and `%2e%2e` slipped through: CVE-2021-41773); 2.4.50 decoded both dots first, but `%%32%65`
 *    decodes to `%2e` here and only becomes `.` in the second decoding (CVE-2021-42013).
 * 2. ap_unescape_url decodes the rest once more.
 * 3. Alias/ScriptAlias or DocumentRoot maps the URL to a file path; the file system resolves `..`,
 *    which fails (403, "Cannot map") through a directory that does not exist.
 * 4. <Directory> access: denied -> 403; missing file -> 404; ScriptAlias with mod_cgid execs the file
 *    (a non-executable one gives 500); without mod_cgid the file is served as is.
 */
export type EmulatedVersion = "2.4.49" | "2.4.50";
export type Scenario = "stock" | "granted-root" | "vulhub-like" | "debian-like";

const FILES: Record<string, string> = {
  "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
  "/usr/share/common-licenses/Apache-2.0":
    "\n                                 Apache License\n                           Version 2.0, January 2004\n",
  "/usr/local/apache2/htdocs/index.html": "<html><body><h1>It works!</h1></body></html>\n",
  "/usr/local/apache2/icons/apache_pb.png": "PNG",
  "/bin/sh": "ELF",
};
const DIRS = new Set([
  "/",
  "/etc",
  "/bin",
  "/usr",
  "/usr/share",
  "/usr/share/common-licenses",
  "/usr/local",
  "/usr/local/apache2",
  "/usr/local/apache2/htdocs",
  "/usr/local/apache2/icons",
  "/usr/local/apache2/cgi-bin",
]);

const UNRESERVED = /[A-Za-z0-9\-._~]/;

function decodeUnreserved(seg: string): string {
  return seg.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : m;
  });
}

function isDotDot(raw: string, version: EmulatedVersion): boolean {
  if (version === "2.4.49") return /^(\.|%2e)\.$/i.test(raw);
  return decodeUnreserved(raw) === "..";
}

function isDot(raw: string, version: EmulatedVersion): boolean {
  if (version === "2.4.49") return /^(\.|%2e)$/i.test(raw);
  return decodeUnreserved(raw) === ".";
}

type Answer = { status: number; body?: string };

export function emulate(version: EmulatedVersion, scenario: Scenario, rawPath: string): Answer {
  const path = rawPath.split("?")[0] ?? "/";
  if (!path.startsWith("/")) return { status: 400 };
  // 1. ap_normalize_path
  const out: string[] = [];
  const segs = path.split("/").slice(1);
  for (const [i, seg] of segs.entries()) {
    const last = i === segs.length - 1;
    if (isDotDot(seg, version)) {
      if (out.length === 0) return { status: 400 }; // AH10244 invalid URI path
      out.pop();
      if (last) out.push("");
      continue;
    }
    if (isDot(seg, version)) {
      if (last) out.push("");
      continue;
    }
    out.push(decodeUnreserved(seg));
  }
  let uri = `/${out.join("/")}`;
  // 2. ap_unescape_url
  if (/%2f/i.test(uri)) return { status: 404 };
  if (/%00/.test(uri)) return { status: 404 };
  if (/%(?![0-9A-Fa-f]{2})/.test(uri)) return { status: 400 };
  uri = uri.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  // 3. map to a file path
  const icons = scenario === "vulhub-like" || scenario === "debian-like";
  const cgid = icons;
  let fsPath: string;
  let script = false;
  if (icons && uri.startsWith("/icons/")) fsPath = `/usr/local/apache2/icons/${uri.slice(7)}`;
  else if (uri.startsWith("/cgi-bin/")) {
    fsPath = `/usr/local/apache2/cgi-bin/${uri.slice(9)}`;
    script = true;
  } else fsPath = `/usr/local/apache2/htdocs${uri}`;
  if (uri === "/icons/" && icons)
    return { status: 200, body: "<html><head><title>Index of /icons</title></head></html>" };
  if (uri === "/icons/" && !icons) return { status: 404 };
  if (uri === "/cgi-bin/") return { status: cgid ? 403 : 404 };
  // The file system resolves `..`; through a directory that does not exist it cannot (AH00127).
  const parts = fsPath.split("/").filter(Boolean);
  const resolved: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (part === "..") {
      resolved.pop();
      continue;
    }
    if (part === ".") continue;
    resolved.push(part);
    const here = `/${resolved.join("/")}`;
    const more = parts.slice(i + 1).some((p) => p === "..");
    if (more && !DIRS.has(here)) return { status: 403 };
  }
  const file = `/${resolved.join("/")}`;
  // 4. <Directory> access
  const granted =
    scenario === "granted-root" ||
    scenario === "vulhub-like" ||
    file.startsWith("/usr/local/apache2/") ||
    (scenario === "debian-like" && file.startsWith("/usr/share/"));
  if (!granted) return { status: 403 };
  const content = FILES[file];
  if (content === undefined) return { status: DIRS.has(file) ? 403 : 404 };
  if (script && cgid) return { status: file === "/bin/sh" ? 200 : 500 };
  return { status: 200, body: content };
}

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
};

/** Starts the emulation on 127.0.0.1 (port from the OS); the test closes it in t.after. */
export async function startEmulation(
  t: { after: (fn: () => Promise<void> | void) => void },
  version: EmulatedVersion,
  scenario: Scenario,
  /** The Server header and signature product (ServerTokens Prod shows just "Apache"). */
  banner = `Apache/${version} (Unix)`,
): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const raw = req.url ?? "/";
    requests.push(`${req.method} ${raw}`);
    if (req.method === "TRACE") {
      res.writeHead(405, { Server: banner, Allow: "GET,HEAD,POST,OPTIONS" });
      res.end();
      return;
    }
    const a =
      raw === "/"
        ? { status: 200, body: FILES["/usr/local/apache2/htdocs/index.html"] }
        : emulate(version, scenario, raw);
    const body =
      a.body ??
      `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head><title>${a.status} ${REASONS[a.status]}</title></head><body><h1>${REASONS[a.status]}</h1>\n<hr>\n<address>${banner} Server at 127.0.0.1 Port ${(server.address() as AddressInfo).port}</address>\n</body></html>\n`;
    res.writeHead(a.status, { Server: banner, "Content-Type": "text/html; charset=iso-8859-1" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, requests };
}
