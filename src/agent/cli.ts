import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../cli/errors.ts";
import type { CliIo } from "../cli/io.ts";
import type { ReportDocument } from "../core/document.ts";
import type { Severity } from "../core/finding.ts";
import { type Lang, translator } from "../i18n/index.ts";
import { escapeTerminalLines } from "../report/escape.ts";
import { RENDERERS } from "../report/formats/index.ts";
import { normalizeFingerprint } from "../server/tls/selfsigned.ts";
import { defaultStateDir, UnsafeStateError } from "../watch/state-dir.ts";
import { readClientPem } from "./client-cert.ts";
import { originOf, PushError, type PushOptions, pushReport } from "./push.ts";

export interface PushRaw {
  push?: string;
  token?: string;
  serverFingerprint?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
}

/** Refuses a malformed --push URL or --server-fingerprint before the scan starts, not after it. */
export function checkPushOptions(raw: PushRaw, lang: Lang): void {
  if (!raw.push) return;
  const t = translator(lang);
  try {
    originOf(raw.push, t);
  } catch (err) {
    throw new UsageError(escapeTerminalLines((err as Error).message));
  }
  if (raw.serverFingerprint !== undefined && !normalizeFingerprint(raw.serverFingerprint))
    throw new UsageError(t("push.badFingerprint", { value: escapeTerminalLines(raw.serverFingerprint) }));
  if ((raw.tlsClientCert === undefined) !== (raw.tlsClientKey === undefined))
    throw new UsageError(t("push.clientCertPair"));
}

/**
 * Sends `doc` (as `--format json` writes it) with its FactsBundle to --push. Progress goes to stderr; a
 * failure is one line on stderr and `false` (the report itself was already written).
 */
export async function pushFromCli(
  raw: PushRaw,
  doc: ReportDocument,
  facts: unknown,
  opts: { lang: Lang; threshold: Severity; now?: () => Date },
  io: CliIo,
): Promise<boolean> {
  if (!raw.push) return true;
  const t = translator(opts.lang);
  const report = RENDERERS.json.render(doc, { lang: opts.lang, t, color: false, threshold: opts.threshold });
  const body = `{"report":${report}${facts === undefined ? "" : `,"facts":${JSON.stringify(facts)}`}}`;
  const euid = process.geteuid?.() ?? 0;
  try {
    let client: PushOptions["client"];
    if (raw.tlsClientCert && raw.tlsClientKey) {
      const certFile = path.resolve(io.cwd, raw.tlsClientCert);
      const keyFile = path.resolve(io.cwd, raw.tlsClientKey);
      client = { cert: readClientPem(certFile, euid), key: readClientPem(keyFile, euid), certFile, keyFile };
    }
    await pushReport({
      client,
      url: raw.push,
      token: raw.token,
      fingerprint: raw.serverFingerprint,
      stateDir: defaultStateDir(io.env, euid, os.homedir()),
      euid,
      hostname: doc.host.hostname,
      body,
      t,
      now: opts.now ?? io.now ?? (() => new Date()),
      log: (line) => io.stderr.write(`${escapeTerminalLines(line)}\n`),
    });
    return true;
  } catch (err) {
    const reason =
      err instanceof PushError || err instanceof UnsafeStateError || err instanceof Error
        ? err.message
        : String(err);
    io.stderr.write(
      `${t("cli.error", { message: escapeTerminalLines(t("push.failed", { url: raw.push, reason })) })}\n`,
    );
    return false;
  }
}

/** `mamori db update --from-server URL`: the data from the fleet server; one line each way. */
export async function dataFromServer(url: string, dataDir: string, lang: Lang, io: CliIo): Promise<number> {
  const t = translator(lang);
  const euid = process.geteuid?.() ?? 0;
  const { updateFromServer } = await import("./data.ts");
  try {
    const r = await updateFromServer({
      url,
      dataDir,
      stateDir: defaultStateDir(io.env, euid, os.homedir()),
      euid,
      t,
    });
    const word = (s: "updated" | "current") =>
      t(s === "updated" ? "server.fromServer.updated" : "server.fromServer.current");
    io.stdout.write(
      `${escapeTerminalLines(t("server.fromServer.done", { url: r.origin, vulndb: word(r.vulndb), iocs: word(r.iocs) }))}\n`,
    );
    return 0;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    io.stderr.write(`${t("cli.error", { message: escapeTerminalLines(reason) })}\n`);
    return 2;
  }
}
