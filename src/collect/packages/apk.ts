/**
 * Alpine's installed database (`/lib/apk/db/installed`): blank-line separated blocks of one-letter keys,
 * P: name, V: version, o: origin (the source package), F: a directory and R: a file in the last F:.
 * Keys repeat within a block, so each block is read line by line; one pass, linear in the text.
 */
export interface ApkPackage {
  name: string;
  version: string;
  /** The source package (o:), the name when absent. */
  origin: string;
  arch?: string;
  /** Line of the block's first line, for evidence. */
  line: number;
}

export interface ApkRead {
  packages: ApkPackage[];
  /** For each path asked about (absolute, with its merged-/usr alias), the package that installed it. */
  owners: Map<string, ApkPackage>;
  /** Blocks without a name or a version. */
  bad: number;
}

export function readApkInstalled(text: string, paths: string[] = []): ApkRead {
  const out: ApkRead = { packages: [], owners: new Map(), bad: 0 };
  const wanted = new Map<string, string[]>();
  for (const p of paths) {
    const bare = p.replace(/^\/+/, "");
    for (const a of [bare, bare.startsWith("usr/") ? bare.slice(4) : `usr/${bare}`])
      wanted.set(a, [...(wanted.get(a) ?? []), p]);
  }
  let name: string | undefined;
  let version: string | undefined;
  let origin: string | undefined;
  let arch: string | undefined;
  let dir = "";
  let start = 0;
  let hits: string[] = [];
  let lines = 0;
  const flush = () => {
    if (name && version) {
      const pkg: ApkPackage = { name, version, origin: origin || name, line: start };
      if (arch) pkg.arch = arch;
      out.packages.push(pkg);
      for (const h of hits) if (!out.owners.has(h)) out.owners.set(h, pkg);
    } else if (lines > 0) out.bad++;
    name = version = origin = arch = undefined;
    dir = "";
    hits = [];
    lines = 0;
  };
  const all = text.split("\n");
  for (let i = 0; i < all.length; i++) {
    const l = (all[i] as string).replace(/\r$/, "");
    if (l.trim() === "") {
      flush();
      continue;
    }
    if (lines === 0) start = i + 1;
    lines++;
    const k = l.slice(0, 2);
    const v = l.slice(2);
    if (k === "P:") name = v;
    else if (k === "V:") version = v;
    else if (k === "o:") origin = v;
    else if (k === "A:") arch = v;
    else if (k === "F:") dir = v;
    else if (k === "R:" && wanted.size > 0) {
      hits.push(...(wanted.get(dir ? `${dir}/${v}` : v) ?? []));
    }
  }
  flush();
  return out;
}
