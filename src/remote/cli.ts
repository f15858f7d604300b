import { UsageError } from "../cli/errors.ts";
import type { CliIo } from "../cli/io.ts";
import type { CommonOptions } from "../cli/options.ts";
import { translator } from "../i18n/index.ts";
import { auditBundleFile } from "./audit.ts";

export interface RemoteRaw {
  bundle?: string;
  hosts?: string;
  parallel?: string;
  outputDir?: string;
  sshConfig?: string;
  sudo?: boolean;
  acceptNewHostKey?: boolean;
  root?: string;
}

/** `mamori audit ssh://...`, `--bundle FILE` or `--hosts FILE`: exactly one of them, and no --root. */
export async function remoteAudit(
  target: string | undefined,
  raw: RemoteRaw,
  opts: CommonOptions,
  io: CliIo,
): Promise<number> {
  const t = translator(opts.lang);
  const given = [target, raw.bundle, raw.hosts].filter((x) => x !== undefined).length;
  if (given !== 1 || (raw.root !== undefined && raw.root !== "/"))
    throw new UsageError(t("remote.targetWithRoot"));
  if (raw.bundle !== undefined) return auditBundleFile(raw.bundle, opts, io);
  if (raw.hosts !== undefined) return (await import("./hosts.ts")).auditHosts(raw, opts, io);
  const ssh = await import("./ssh.ts");
  return ssh.auditSshTarget(target as string, raw, opts, io);
}
