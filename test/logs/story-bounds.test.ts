/**
 * An incident log past the engine's bounds (keep.ts): a success whose line was tallied (past MAX_KEPT
 * kept lines) is told with its time, and clients first seen past MAX_CLIENT_GROUPS, counted together,
 * are told as more addresses, never as one address called "(others)" that succeeded "at ?".
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { MAX_CLIENT_GROUPS, MAX_KEPT } from "../../src/collect/logs/keep.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const at = (n: number) => {
  const s = n % 60;
  const m = Math.floor(n / 60) % 60;
  const h = Math.floor(n / 3600);
  return `20/Nov/2026:${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")} +0000`;
};
const read = (ip: string, n: number, status: number, size: number) =>
  `${ip} - - [${at(n)}] "GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd HTTP/1.1" ${status} ${size} "-" "curl/8.0"`;
const ipOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

test("past the bounds: a tallied success keeps its time; clients counted together are told as more addresses", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  const lines: string[] = [];
  const failing = MAX_CLIENT_GROUPS + 1000;
  const named = MAX_KEPT + 5000;
  for (let i = 0; i < failing; i++) {
    lines.push(read(ipOf(i), i, 404, 196));
    // A client seen while groups are still kept apart, whose success comes past MAX_KEPT kept lines.
    if (i === named) lines.push(read("203.0.113.77", i, 200, 1294));
  }
  // A client first seen past every bound: counted with the others.
  lines.push(read("198.51.100.250", failing + 10, 200, 1294));
  writeFileSync(f, `${lines.join("\n")}\n`);
  for (const lang of ["en", "ja"] as const) {
    const story = (await mamori(["logs", "--lang", lang, "--color", "never", f])).stdout;
    // No address called "(others)", in the story or its tables, and no success "at ?".
    assert.doesNotMatch(story, /\(others\)|at \?|\? に/);
    assert.match(
      story,
      lang === "en"
        ? /^■ More addresses, counted together {2}First seen/m
        : /^■ ほかの送信元 \(まとめて集計\) {2}初回/m,
    );
    assert.match(
      story,
      lang === "en"
        ? new RegExp(
            `^ {2}203\\.0\\.113\\.77 succeeded at 2026-11-20 0${Math.floor(named / 3600)}:.* with CVE-2021-41773`,
            "m",
          )
        : /^ {2}203\.0\.113\.77 が 2026-11-20 0\d:\d\d:\d\d UTC に CVE-2021-41773 で成功しました。$/m,
    );
    assert.match(
      story,
      lang === "en"
        ? /^ {2}More addresses, counted together .* succeeded with CVE-2021-41773 \(first at 2026-11-20 \d\d:\d\d:\d\d UTC\)\.$/m
        : /^ {2}ほかにも複数の送信元が CVE-2021-41773 で成功しました \(最初は 2026-11-20 \d\d:\d\d:\d\d UTC/m,
    );
  }
});
