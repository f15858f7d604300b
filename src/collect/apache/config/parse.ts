import * as path from "node:path";
import { cutFrom, cutSpacedComment } from "../../../core/cut.ts";
import type { Diagnostics } from "../../../core/diagnostics.ts";
import { errorCode } from "../../../core/diagnostics.ts";
import { msg } from "../../../core/message.ts";
import type { Directive, LoadedModule } from "../../../facts/apache.ts";
import type { MessageKey, Params } from "../../../i18n/index.ts";
import type { RootFs } from "../../rootfs.ts";
import { readBounded } from "../read.ts";
import { compareUpstream } from "../version.ts";
import { logicalLines, splitArgs } from "./lexer.ts";

export type { Directive, LoadedModule };

export interface ParsedConfig {
  mainFile: string;
  serverRoot: string;
  directives: Directive[];
  files: string[];
  modules: LoadedModule[];
  defines: Record<string, string>;
}

export interface ParseOptions {
  fs: RootFs;
  diag: Diagnostics;
  mainFile: string;
  serverRoot: string;
  /** -D NAME from the command line, and Define NAME value from the configuration as it is read. */
  defines?: Record<string, string>;
  /** Environment for ${VAR} (Debian's /etc/apache2/envvars). */
  env?: Record<string, string>;
  /** Modules compiled into the binary (`-l`); they satisfy <IfModule> without LoadModule. */
  staticModules?: string[];
  /** Upstream version of the binary, for <IfVersion>. */
  version?: string;
}

const CONDITIONALS = new Set(["ifmodule", "ifdefine", "iffile", "ifversion", "ifdirective", "ifsection"]);
const MAX_FILES = 5000;
const MAX_DEPTH = 64;
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Modules Debian's and upstream's builds compile in; used when the live `-l` list is not available. */
export const DEFAULT_STATIC_MODULES = [
  "core.c",
  "mod_so.c",
  "http_core.c",
  "mod_watchdog.c",
  "mod_log_config.c",
  "mod_logio.c",
  "mod_version.c",
  "mod_unixd.c",
];

interface Frame {
  name: string;
  key: string;
  list: Directive[];
}

class Reader {
  readonly files: string[] = [];
  readonly modules: LoadedModule[] = [];
  readonly defines: Record<string, string>;
  serverRoot: string;
  private readonly warnedVars = new Set<string>();
  private readonly moduleNames = new Set<string>();

  private readonly o: ParseOptions;

  constructor(o: ParseOptions) {
    this.o = o;
    this.defines = { ...(o.defines ?? {}) };
    this.serverRoot = o.serverRoot;
    for (const m of o.staticModules ?? DEFAULT_STATIC_MODULES) this.addModule({ ...moduleNames(m) });
  }

  private addModule(m: LoadedModule): void {
    this.modules.push(m);
    this.moduleNames.add(m.id.toLowerCase());
    this.moduleNames.add(m.source.toLowerCase());
  }

  hasModule(name: string): boolean {
    return this.moduleNames.has(name.toLowerCase());
  }

  /** A "could not check" entry; without a message key the report shows the translated errno reason. */
  private note(pathName: string | undefined, reason: string, key?: MessageKey, params?: Params): void {
    this.o.diag.couldNotCheck({
      area: "apache.config",
      path: pathName,
      reason,
      detail: key ? msg(key, params) : undefined,
    });
  }

  private substitute(text: string, file: string, line: number): string {
    return text.replace(/\$\{([A-Za-z0-9_.:-]+)\}/g, (m, name: string) => {
      if (Object.hasOwn(this.defines, name)) return this.defines[name] as string;
      if (this.o.env && Object.hasOwn(this.o.env, name)) return this.o.env[name] as string;
      if (!this.warnedVars.has(name)) {
        this.warnedVars.add(name);
        this.o.diag.warn({
          area: "apache.config",
          path: `${file}:${line}`,
          reason: "undefined-variable",
          detail: msg("apache.diag.undefinedVar", {
            where: `${file}:${line}`,
            variable: m,
          }),
        });
      }
      return m;
    });
  }

  resolvePath(p: string): string {
    return path.posix.isAbsolute(p) ? path.posix.normalize(p) : path.posix.join(this.serverRoot, p);
  }

  readFile(file: string, into: Directive[], stack: string[]): void {
    if (this.files.length >= MAX_FILES) {
      this.note(file, "too-many-files", "apache.diag.tooManyFiles", { max: MAX_FILES });
      return;
    }
    let real: string;
    try {
      real = this.o.fs.realGuestPath(file);
    } catch (err) {
      this.note(file, errorCode(err));
      return;
    }
    if (stack.includes(real)) {
      this.note(file, "include-loop", "apache.diag.includeLoop", { chain: [...stack, real].join(" -> ") });
      return;
    }
    if (stack.length >= MAX_DEPTH) {
      this.note(file, "include-depth", "apache.diag.includeDepth", { max: MAX_DEPTH, path: file });
      return;
    }
    let text: string;
    try {
      const st = this.o.fs.stat(file);
      if (st.isDirectory()) {
        this.includeDirectory(file, into, stack);
        return;
      }
      const r = readBounded(this.o.fs, file, MAX_FILE_BYTES);
      text = r.text;
      if (r.truncated) this.note(file, "too-large");
    } catch (err) {
      this.note(file, errorCode(err));
      return;
    }
    this.files.push(file);
    this.parseText(text, file, into, [...stack, real]);
  }

  private includeDirectory(dir: string, into: Directive[], stack: string[]): void {
    let names: string[];
    try {
      names = this.o.fs.readdir(dir);
    } catch (err) {
      this.note(dir, errorCode(err));
      return;
    }
    for (const n of names) if (!n.startsWith(".")) this.readFile(path.posix.join(dir, n), into, stack);
  }

  private include(d: Directive, into: Directive[], stack: string[], optional: boolean): void {
    const target = d.args[0];
    if (!target) {
      this.note(d.file, "parse", "apache.diag.includeNoPath", { where: `${d.file}:${d.line}`, name: d.name });
      return;
    }
    const full = this.resolvePath(target);
    if (/[*?[]/.test(full)) {
      const matches = this.o.fs.glob(full);
      if (matches.length === 0 && !optional)
        this.note(d.file, "missing-include", "apache.diag.includeNoMatch", {
          where: `${d.file}:${d.line}`,
          target,
        });
      for (const m of matches) this.readFile(m, into, stack);
      return;
    }
    if (!this.o.fs.exists(full)) {
      if (!optional)
        this.note(full, "missing-include", "apache.diag.includeMissing", {
          where: `${d.file}:${d.line}`,
          target,
        });
      return;
    }
    this.readFile(full, into, stack);
  }

  private condition(key: string, arg: string): boolean {
    const neg = arg.startsWith("!");
    const name = neg ? arg.slice(1) : arg;
    let v = true;
    if (key === "ifmodule") v = this.hasModule(name);
    else if (key === "ifdefine") v = Object.hasOwn(this.defines, name);
    else if (key === "iffile") v = this.o.fs.exists(this.resolvePath(name));
    return neg ? !v : v;
  }

  private versionCondition(args: string[]): boolean {
    if (!this.o.version) return true;
    let [op, want] = args.length >= 2 ? [args[0] as string, args[1] as string] : ["=", args[0] ?? ""];
    let neg = false;
    if (op.startsWith("!")) {
      neg = true;
      op = op.slice(1);
    }
    let v: boolean;
    if (op === "~" || (want.startsWith("/") && want.endsWith("/"))) {
      const re = op === "~" ? want : want.slice(1, -1);
      try {
        v = new RegExp(re).test(this.o.version);
      } catch {
        v = true;
      }
    } else {
      const c = compareUpstream(this.o.version, want);
      v =
        op === ">"
          ? c > 0
          : op === ">="
            ? c >= 0
            : op === "<"
              ? c < 0
              : op === "<="
                ? c <= 0
                : this.o.version.startsWith(want) && (c === 0 || this.o.version[want.length] === ".");
    }
    return neg ? !v : v;
  }

  private parseText(text: string, file: string, into: Directive[], stack: string[]): void {
    const frames: Frame[] = [{ name: "", key: "", list: into }];
    let skipDepth = 0;
    for (const raw of logicalLines(text)) {
      const line = raw.line;
      const t = raw.text;
      if (skipDepth > 0) {
        if (/^<\//.test(t)) skipDepth--;
        else if (/^<[^/]/.test(t)) skipDepth++;
        continue;
      }
      if (t.startsWith("</")) {
        const name = cutFrom(t.slice(2), ">").trim().toLowerCase();
        const top = frames.length > 1 ? (frames.at(-1) as Frame) : undefined;
        if (!top || top.key !== name) {
          this.note(file, "parse", "apache.diag.strayClose", { where: `${file}:${line}`, name });
          continue;
        }
        frames.pop();
        continue;
      }
      const current = (frames.at(-1) as Frame).list;
      if (t.startsWith("<")) {
        const inner = t.slice(1).replace(/>\s*$/, "");
        if (!t.trimEnd().endsWith(">")) {
          this.note(file, "parse", "apache.diag.openNoGt", { where: `${file}:${line}` });
        }
        const [nameRaw = "", ...rest] = splitArgs(this.substitute(inner, file, line));
        const key = nameRaw.toLowerCase();
        if (CONDITIONALS.has(key)) {
          const ok =
            key === "ifversion"
              ? this.versionCondition(rest)
              : key === "ifdirective" || key === "ifsection"
                ? true
                : this.condition(key, rest[0] ?? "");
          if (!ok) {
            skipDepth = 1;
            continue;
          }
          // A true conditional is transparent: its body belongs to the enclosing container.
          frames.push({ name: nameRaw, key, list: current });
          continue;
        }
        const d: Directive = { name: nameRaw, key, args: rest, file, line, children: [] };
        current.push(d);
        frames.push({ name: nameRaw, key, list: d.children as Directive[] });
        continue;
      }
      const [nameRaw = "", ...args] = splitArgs(this.substitute(t, file, line));
      const key = nameRaw.toLowerCase();
      const d: Directive = { name: nameRaw, key, args, file, line };
      if (key === "include" || key === "includeoptional") {
        this.include(d, current, stack, key === "includeoptional");
        continue;
      }
      if (key === "define" && args[0]) this.defines[args[0]] = args[1] ?? "";
      else if (key === "undefine" && args[0]) delete this.defines[args[0]];
      else if (key === "serverroot" && args[0]) this.serverRoot = path.posix.normalize(args[0]);
      else if (key === "loadmodule" && args[0]) {
        const so = args[1] ? this.resolvePath(args[1]) : undefined;
        const base = so ? path.posix.basename(so).replace(/\.so$/, "") : args[0].replace(/_module$/, "");
        const source = base.startsWith("mod_") || base.startsWith("libphp") ? `${base}.c` : `mod_${base}.c`;
        if (!this.hasModule(args[0])) this.addModule({ id: args[0], source, path: so, file, line });
      }
      current.push(d);
    }
    if (frames.length > 1)
      this.note(file, "parse", "apache.diag.unclosed", { path: file, name: (frames.at(-1) as Frame).name });
  }
}

function moduleNames(name: string): LoadedModule {
  if (name.endsWith(".c"))
    return { id: `${name.replace(/^mod_/, "").replace(/\.c$/, "")}_module`, source: name };
  return { id: name, source: `mod_${name.replace(/_module$/, "")}.c` };
}

/** Reads an Apache configuration the way httpd does while starting: includes, defines and conditionals in order. */
export function parseApacheConfig(o: ParseOptions): ParsedConfig {
  const r = new Reader(o);
  const directives: Directive[] = [];
  if (!o.fs.exists(o.mainFile)) {
    o.diag.couldNotCheck({
      area: "apache.config",
      path: o.mainFile,
      reason: "ENOENT",
      detail: msg("apache.diag.mainMissing", { path: o.mainFile }),
    });
  } else r.readFile(o.mainFile, directives, []);
  return {
    mainFile: o.mainFile,
    serverRoot: r.serverRoot,
    directives,
    files: r.files,
    modules: r.modules,
    defines: r.defines,
  };
}

/** Debian's envvars is a shell file of `export NAME=value` lines; the variables it sets feed ${NAME}. */
export function parseEnvvars(text: string, confDir = "/etc/apache2"): Record<string, string> {
  const suffix = confDir.startsWith("/etc/apache2-") ? `-${confDir.slice("/etc/apache2-".length)}` : "";
  const vars: Record<string, string> = { SUFFIX: suffix, APACHE_CONFDIR: confDir };
  for (const line of text.split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m || m[1] === "SUFFIX") continue;
    let v = cutSpacedComment((m[2] ?? "").trim());
    v = v.replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
    v = v.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => vars[n] ?? "");
    vars[m[1] as string] = v;
  }
  return vars;
}
