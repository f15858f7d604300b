import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../../helpers/tmp.ts";

import { FIXTURE_NOW as FIXTURE_NOW_ISO } from "./make-fixtures.ts";

export { FIXTURE_NOW } from "./make-fixtures.ts";

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
export const FIXTURES = path.join(REPO, "test/fixtures/hunt");
export const DATA_DIR = path.join(REPO, "data");
/** `mamori hunt` on a fixture root at the fixtures' fixed time, with the shipped data and an empty feed dir. */
export function huntArgs(t: { after: (fn: () => void) => void }, root: string): string[] {
  return ["hunt", "--root", root, "--now", FIXTURE_NOW_ISO, "--data-dir", DATA_DIR, "--feed-dir", tempDir(t)];
}

const DEFAULT_MTIME = new Date("2026-01-05T00:00:00Z");

/**
 * A working copy of test/fixtures/hunt/<name> in a temporary directory, with the symbolic links of
 * _links.txt created (exe, cwd, fd of the recorded /proc) and file times from _mtimes.txt applied.
 */
export function fixtureRoot(t: { after: (fn: () => void) => void }, name: string): string {
  const dir = path.join(tempDir(t, `mamori-hunt-${name}-`), "root");
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true, verbatimSymlinks: true });
  const links = fs.readFileSync(path.join(dir, "_links.txt"), "utf8");
  const mtimes = fs.readFileSync(path.join(dir, "_mtimes.txt"), "utf8");
  fs.rmSync(path.join(dir, "_links.txt"));
  fs.rmSync(path.join(dir, "_mtimes.txt"));
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) fs.utimesSync(p, DEFAULT_MTIME, DEFAULT_MTIME);
    }
  };
  walk(dir);
  for (const line of links.split("\n")) {
    const i = line.indexOf(" -> ");
    if (i < 0) continue;
    const from = path.join(dir, line.slice(0, i));
    fs.mkdirSync(path.dirname(from), { recursive: true });
    fs.rmSync(from, { force: true });
    fs.symlinkSync(line.slice(i + 4), from);
  }
  for (const line of mtimes.split("\n")) {
    const [rel, time] = line.split(" ");
    if (!rel || !time) continue;
    const d = new Date(time);
    fs.utimesSync(path.join(dir, rel), d, d);
  }
  // Executables keep their mode bits through git only if we set them: everything under a
  // fixture's tmp/, etc/ (agents), opt/ and hidden dirs that starts with the ELF magic is executable.
  const chmodElf = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && !p.startsWith(path.join(dir, "proc"))) chmodElf(p);
      else if (e.isFile()) {
        const head = Buffer.alloc(4);
        const fd = fs.openSync(p, "r");
        fs.readSync(fd, head, 0, 4, 0);
        fs.closeSync(fd);
        if (head.toString("latin1") === "\x7fELF") {
          const st = fs.statSync(p);
          fs.chmodSync(p, 0o755);
          fs.utimesSync(p, st.atime, st.mtime);
        }
      }
    }
  };
  chmodElf(dir);
  return dir;
}
