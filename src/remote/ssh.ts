import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Transform } from "node:stream";
import { emitReport } from "../cli/emit.ts";
import { UsageError } from "../cli/errors.ts";
import type { CliIo } from "../cli/io.ts";
import type { CommonOptions } from "../cli/options.ts";
import { type MessageKey, translator } from "../i18n/index.ts";
import { judgeOpenedBundle } from "./audit.ts";
import { BundleError, DEFAULT_BUNDLE_LIMITS, type OpenedBundle, openBundle } from "./bundle-read.ts";
import type { RemoteRaw } from "./cli.ts";
import { collectorScript } from "./script.ts";

/** The system's OpenSSH client, by its absolute path: never one a PATH entry could supply. */
export const SSH_CLIENT = "/usr/bin/ssh";

export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
}

export interface SshOptions {
  sudo?: boolean;
  acceptNewHostKey?: boolean;
  /** An ssh_config file (ssh -F): keys, known_hosts, jump hosts. Command-line options still win over it. */
  config?: string;
  connectTimeoutSeconds?: number;
  totalSeconds?: number;
  /** Bytes ssh may print (the gzip'd bundle). */
  maxOutputBytes?: number;
  /**
   * The server's own identity and known_hosts (`mamori server` pulls): only this key, no agent, and only
   * this file for host keys, whatever ~/.ssh or /etc/ssh say (used with config "/dev/null").
   */
  identityFile?: string;
  knownHostsFile?: string;
  /** Stops ssh (the server is stopping); the collection then fails. */
  signal?: AbortSignal;
}

/** A path as a quoted ssh option value: ssh expands %-tokens in these, so a literal % is doubled. */
function sshPath(p: string): string {
  if (/["\n\r]/.test(p)) throw new SshError("collectorFailed", "bad-path", null);
  return `"${p.replaceAll("%", "%%")}"`;
}

export const SSH_DEFAULTS = {
  connectTimeoutSeconds: 15,
  totalSeconds: 900,
  maxOutputBytes: 512 * 1024 * 1024,
};

/** ssh://[user@]host[:port]; a name or address only, never something ssh could take for an option. */
export function parseSshTarget(s: string): SshTarget | undefined {
  const m =
    /^ssh:\/\/(?:([A-Za-z0-9_][A-Za-z0-9._-]{0,63})@)?([A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\])(?::([0-9]{1,5}))?\/?$/.exec(
      s,
    );
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { user: m[1], host: (m[2] as string).replace(/^\[|\]$/g, ""), port };
}

export function targetLabel(t: SshTarget): string {
  const host = t.host.includes(":") ? `[${t.host}]` : t.host;
  return `ssh://${t.user ? `${t.user}@` : ""}${host}${t.port ? `:${t.port}` : ""}`;
}

/** The arguments of /usr/bin/ssh: batch mode (no prompt), host keys checked, time-limited, no forwarding. */
export function sshArgs(t: SshTarget, o: SshOptions): string[] {
  const args = ["-T", "-x", "-a"];
  if (o.config) args.push("-F", o.config);
  const opt = (s: string) => args.push("-o", s);
  opt("BatchMode=yes");
  opt(`StrictHostKeyChecking=${o.acceptNewHostKey ? "accept-new" : "yes"}`);
  opt(`ConnectTimeout=${o.connectTimeoutSeconds ?? SSH_DEFAULTS.connectTimeoutSeconds}`);
  opt("ServerAliveInterval=15");
  opt("ServerAliveCountMax=3");
  opt("ClearAllForwardings=yes");
  opt("PermitLocalCommand=no");
  opt("LogLevel=ERROR");
  if (o.identityFile) {
    opt(`IdentityFile=${sshPath(o.identityFile)}`);
    opt("IdentitiesOnly=yes");
    opt("IdentityAgent=none");
  }
  if (o.knownHostsFile) {
    opt(`UserKnownHostsFile=${sshPath(o.knownHostsFile)}`);
    opt("GlobalKnownHostsFile=/dev/null");
  }
  if (t.port) args.push("-p", String(t.port));
  if (t.user) args.push("-l", t.user);
  args.push("--", t.host, o.sudo ? "sudo -n sh -s" : "sh -s");
  return args;
}

export type SshFailure =
  | "refused"
  | "hostKeyChanged"
  | "hostKeyUnknown"
  | "permissionDenied"
  | "sudoPassword"
  | "timeout"
  | "tooLarge"
  | "collectorFailed";

export class SshError extends Error {
  readonly kind: SshFailure;
  readonly detail: string;
  readonly code: number | null;
  constructor(kind: SshFailure, detail: string, code: number | null) {
    super(`${kind}: ${detail}`);
    this.kind = kind;
    this.detail = detail;
    this.code = code;
  }
}

/** What went wrong, from ssh's exit status and the (bounded) text it and the remote side wrote. */
export function classifySshFailure(code: number | null, stderr: string): SshFailure {
  // Line by line with plain string tests: the text comes from the remote side, and a ".*" between two
  // literals is polynomial on a crafted stderr (test/security/regex.test.ts).
  const lines = stderr.split("\n");
  const after = (l: string, marker: string) => {
    const at = l.indexOf(marker);
    return at < 0 ? undefined : l.slice(at + marker.length);
  };
  if (
    stderr.includes("REMOTE HOST IDENTIFICATION HAS CHANGED") ||
    lines.some((l) => after(l, "Host key for ")?.includes(" has changed"))
  )
    return "hostKeyChanged";
  if (/No [A-Z0-9-]+ host key is known|Host key verification failed/.test(stderr)) return "hostKeyUnknown";
  if (
    lines.some((l) => {
      const rest = after(l, "sudo: ");
      return rest !== undefined && (rest.includes("password") || rest.startsWith("a terminal is required"));
    })
  )
    return "sudoPassword";
  if (/Permission denied \(/.test(stderr)) return "permissionDenied";
  if (
    code === 255 &&
    /Connection refused|Connection timed out|No route to host|Network is unreachable|Could not resolve hostname|Connection closed by|Connection reset/.test(
      stderr,
    )
  )
    return "refused";
  return "collectorFailed";
}

/** One line of what ssh or the remote side said, safe to print (no control characters, bounded). */
function lastLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?").trim())
    .filter(Boolean);
  return (lines.at(-1) ?? "").slice(0, 200);
}

/**
 * Runs the collector on the target through the system's OpenSSH client and reads its bundle into a
 * private directory; every failure is an SshError naming its kind.
 */
export async function collectOverSsh(t: SshTarget, o: SshOptions = {}): Promise<OpenedBundle> {
  if (!fs.existsSync(SSH_CLIENT)) throw new SshError("collectorFailed", "no-client", null);
  const maxOut = o.maxOutputBytes ?? SSH_DEFAULTS.maxOutputBytes;
  const totalMs = (o.totalSeconds ?? SSH_DEFAULTS.totalSeconds) * 1000;
  const child = spawn(SSH_CLIENT, sshArgs(t, o), { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => {
    if (stderr.length < 64 * 1024) stderr += s;
  });
  let tooLarge = false;
  let timedOut = false;
  let seen = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxOut) {
        tooLarge = true;
        child.kill("SIGKILL");
        cb(new Error("too-large"));
        return;
      }
      cb(null, chunk);
    },
  });
  child.stdout.pipe(counted);
  child.stdout.on("error", () => undefined);
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
    counted.destroy(new Error("timeout"));
  }, totalMs);
  const abort = () => child.kill("SIGKILL");
  if (o.signal?.aborted) abort();
  else o.signal?.addEventListener("abort", abort, { once: true });
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code));
  });
  child.stdin.on("error", () => undefined);
  child.stdin.end(collectorScript());
  const read = openBundle(counted, DEFAULT_BUNDLE_LIMITS).then(
    (b) => ({ b, e: undefined }),
    (e: unknown) => {
      // Nobody reads ssh's output any more: stop it rather than leave it blocked on a full pipe.
      child.kill("SIGKILL");
      return { b: undefined, e };
    },
  );
  const [res, code] = await Promise.all([read, exited]);
  clearTimeout(timer);
  o.signal?.removeEventListener("abort", abort);
  if (timedOut || tooLarge) {
    res.b?.close();
    throw new SshError(timedOut ? "timeout" : "tooLarge", "", code);
  }
  if (code !== 0 || res.e !== undefined) {
    res.b?.close();
    const kind = classifySshFailure(code, stderr);
    const detail =
      res.e instanceof BundleError && kind === "collectorFailed"
        ? `${res.e.code} (line ${res.e.line})`
        : lastLine(stderr) || (res.e instanceof BundleError ? res.e.code : String(code));
    throw new SshError(kind, detail, code);
  }
  return res.b as OpenedBundle;
}

/** `mamori audit ssh://[user@]host[:port]`. */
export async function auditSshTarget(
  target: string,
  raw: RemoteRaw,
  opts: CommonOptions,
  io: CliIo,
): Promise<number> {
  const t = translator(opts.lang);
  const parsed = parseSshTarget(target);
  if (!parsed) throw new UsageError(t("remote.badTarget", { target: target.slice(0, 300) }));
  if (!fs.existsSync(SSH_CLIENT)) throw new UsageError(t("remote.ssh.noClient"));
  const label = targetLabel(parsed);
  let opened: OpenedBundle;
  try {
    opened = await collectOverSsh(parsed, {
      sudo: raw.sudo,
      acceptNewHostKey: raw.acceptNewHostKey,
      config: raw.sshConfig === undefined ? undefined : path.resolve(io.cwd, raw.sshConfig),
    });
  } catch (err) {
    if (!(err instanceof SshError)) throw err;
    throw new UsageError(
      t(`remote.ssh.${err.kind}` as MessageKey, {
        target: label,
        detail: err.detail,
        code: err.code === null ? "-" : String(err.code),
        seconds: SSH_DEFAULTS.totalSeconds,
        max: SSH_DEFAULTS.maxOutputBytes,
      }),
    );
  }
  try {
    const doc = await judgeOpenedBundle(opened, label, opts, io.env);
    return emitReport(doc, opts, io);
  } finally {
    opened.close();
  }
}
