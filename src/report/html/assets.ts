import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export interface Assets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
  css: string;
}

let cached: Assets | undefined;

/** uPlot and the page's own script and style, read once and inlined: the report makes no request. */
export function assets(): Assets {
  if (cached) return cached;
  const read = (p: string | URL) => readFileSync(p, "utf8");
  cached = {
    uplotJs: read(require.resolve("uplot/dist/uPlot.iife.min.js")),
    uplotCss: read(require.resolve("uplot/dist/uPlot.min.css")),
    clientJs: read(new URL("./client.js", import.meta.url)),
    css: read(new URL("./style.css", import.meta.url)),
  };
  return cached;
}

/** The CSP hash source for one inline script, so only our own scripts may run. */
export function scriptHash(source: string): string {
  return `'sha256-${createHash("sha256").update(source, "utf8").digest("base64")}'`;
}

/** Text placed inside <script> must not close the element early. */
export function safeInlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}
