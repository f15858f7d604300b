/**
 * mamori as root runs its own code and its own Node: if another user could change either, running
 * mamori would run their code as root. Like sudo with its own files, it refuses to start then.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Why a path cannot be trusted by `uid` (root by default): a component, from "/" to the file the links
 * lead to, that a third user owns or can write; undefined when it can be trusted.
 */
export function untrustedComponent(p: string, uid = 0): string | undefined {
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch {
    return undefined; // absent: nothing to load from it
  }
  const parts = real.split("/").filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const at = `/${parts.slice(0, i).join("/")}`;
    const st = fs.statSync(at);
    const sticky = (st.mode & 0o1000) !== 0;
    if (st.uid !== 0 && st.uid !== uid) return `${at} (owner uid ${st.uid})`;
    // Group write by the root group (gid 0, root alone on a normal system) is what a umask of 002 leaves.
    const writable = (st.mode & 0o002) !== 0 || ((st.mode & 0o020) !== 0 && st.gid !== 0);
    if (writable && !(sticky && st.isDirectory() && i < parts.length))
      return `${at} (mode ${(st.mode & 0o7777).toString(8)})`;
  }
  return undefined;
}

/** What root would run if it ran mamori from `codeDir` with `nodeExec`: the first part another user controls. */
export function untrustedInstall(codeDir: string, nodeExec: string): string | undefined {
  const places = [
    nodeExec,
    codeDir,
    ...["src", "rules", "data", "node_modules", "bin"].map((d) => path.join(codeDir, d)),
  ];
  for (const p of places) {
    const why = untrustedComponent(p);
    if (why) return why;
  }
  return undefined;
}
