import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { isLang, type Lang, langFromEnv, type Translator, translator } from "../../i18n/index.ts";
import { escapeTerminalLines } from "../../report/escape.ts";
import { CERT_FILE, DataDirError } from "../../server/data-dir.ts";
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from "../../server/retention.ts";
import { openDataStore, startServer } from "../../server/run.ts";
import type { ServerStore } from "../../server/store/db.ts";
import { createApiKey, createEnrollToken, revokeHost } from "../../server/store/repo.ts";
import { addUser, ROLES, type Role, USER_NAME } from "../../server/store/users.ts";
import { runConfigOf } from "../config-options.ts";
import { EXIT_ERROR, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { defaultDataDir } from "../options.ts";

interface Raw {
  listen?: string;
  data: string;
  db?: string;
  tlsCert?: string;
  tlsKey?: string;
  lang?: string;
  ttl?: string;
  config?: string;
  rejudgeEvery?: string;
  retentionDays?: string;
  pullEvery?: string;
  tlsClientCa?: string;
}

function langOf(raw: { lang?: string }, io: CliIo): Lang {
  const l = raw.lang ?? langFromEnv(io.env);
  if (!isLang(l))
    throw new UsageError(
      translator(langFromEnv(io.env))("cli.badOption", { option: "--lang", value: l, expected: "ja|en" }),
    );
  return l;
}

/** "HOST:PORT", "[v6]:PORT"; port 0 lets the system choose (printed once listening). */
export function parseListen(value: string, t: Translator): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new UsageError(t("server.badListen", { value }));
  return { host: (m[1] ?? m[2]) as string, port };
}

const euid = () => process.geteuid?.() ?? 0;

function needData(raw: Raw, t: Translator): string {
  if (!raw.data) throw new UsageError(t("cli.badOption", { option: "--data", value: "", expected: "DIR" }));
  return raw.data;
}

async function withStore<T>(
  raw: Raw,
  io: CliIo,
  t: Translator,
  fn: (s: ServerStore) => Promise<T>,
): Promise<T> {
  needData(raw, t);
  let store: ServerStore;
  const dir = path.resolve(io.cwd, raw.data);
  try {
    store = await openDataStore(dir, raw.db, euid());
  } catch (err) {
    if (err instanceof DataDirError)
      throw new UsageError(t("server.badData", { path: dir, reason: escapeTerminalLines(err.message) }));
    throw err;
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function nowOf(io: CliIo): () => Date {
  return io.now ?? (() => new Date());
}

export function registerServer(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("server")
    .description(
      "run the fleet server: agents push their scans to it (mamori audit --push), people read them",
    )
    // --data, --db and --lang belong to `server` and are read by its subcommands too (optsWithGlobals):
    // `mamori server token --data DIR`. Not requiredOption: commander would demand it before subcommands.
    .option("--data <dir>", "data directory (SQLite database, TLS certificate; created 0700); required")
    .option("--listen <host:port>", "address to listen on", "127.0.0.1:8443")
    .option("--db <url>", "PostgreSQL database (postgres://…) instead of SQLite in the data directory")
    .option(
      "--tls-cert <file>",
      "certificate (PEM); without it a self-signed one is made in the data directory",
    )
    .option("--tls-key <file>", "private key (PEM) of --tls-cert")
    .option(
      "--tls-client-ca <file>",
      "require agents to present a client certificate signed by this CA (PEM) on the agent endpoints",
    )
    .option("--lang <lang>", "language of messages: ja|en (default from LANG)")
    .option("--config <file>", "configuration file whose `alerts` receive findings raised by re-judging")
    .option(
      "--rejudge-every <minutes>",
      "look this often for new vulnerability/IOC data and judge every host's stored facts again (0: only at start)",
      "60",
    )
    .option(
      "--retention-days <n>",
      `days events and old reports are kept (each host's latest report always is)`,
      String(DEFAULT_RETENTION_DAYS),
    )
    .option(
      "--pull-every <minutes>",
      "pull agentless targets (mamori server pull add) without a cron of their own this often (0: only those with one)",
      "360",
    )
    .hook("preAction", (self: Command) => applyConfigDefaults(self, io))
    .action(async (raw: Raw) => {
      const lang = langOf(raw, io);
      const t = translator(lang);
      needData(raw, t);
      const pullMinutes = Number(raw.pullEvery ?? "360");
      if (!/^\d{1,5}$/.test(raw.pullEvery ?? "360") || pullMinutes > 44640)
        throw new UsageError(
          t("cli.badOption", { option: "--pull-every", value: String(raw.pullEvery), expected: "0-44640" }),
        );
      const minutes = Number(raw.rejudgeEvery ?? "60");
      if (!Number.isFinite(minutes) || minutes < 0 || minutes > 10080)
        throw new UsageError(
          t("cli.badOption", {
            option: "--rejudge-every",
            value: String(raw.rejudgeEvery),
            expected: "0-10080",
          }),
        );
      const alerts = await alertsOf(raw, io, t, lang);
      const retentionDays = Number(raw.retentionDays ?? DEFAULT_RETENTION_DAYS);
      if (
        !/^\d{1,4}$/.test(raw.retentionDays ?? "400") ||
        retentionDays < 1 ||
        retentionDays > MAX_RETENTION_DAYS
      )
        throw new UsageError(
          t("cli.badOption", {
            option: "--retention-days",
            value: raw.retentionDays ?? "",
            expected: `1-${MAX_RETENTION_DAYS}`,
          }),
        );
      const { host, port } = parseListen(raw.listen ?? "127.0.0.1:8443", t);
      const dataDir = path.resolve(io.cwd, needData(raw, t));
      let running: Awaited<ReturnType<typeof startServer>>;
      try {
        running = await startServer({
          host,
          port,
          dataDir,
          db: raw.db,
          certFile: raw.tlsCert && path.resolve(io.cwd, raw.tlsCert),
          keyFile: raw.tlsKey && path.resolve(io.cwd, raw.tlsKey),
          clientCaFile: raw.tlsClientCa && path.resolve(io.cwd, raw.tlsClientCa),
          euid: euid(),
          now: nowOf(io),
          shippedData: defaultDataDir(),
          rejudgeEveryMs: minutes * 60_000,
          alerts,
          onRejudge: (r) => {
            if (r instanceof Error)
              io.stderr.write(`${t("server.rejudgeFailed", { reason: escapeTerminalLines(r.message) })}\n`);
            else
              void import("../../server/fleet/db-update.ts").then(({ rejudgeLines }) =>
                io.stderr.write(`${escapeTerminalLines(rejudgeLines(r, t))}\n`),
              );
          },
          onSighting: (seen) => {
            for (const s of seen)
              io.stderr.write(
                `${escapeTerminalLines(
                  t("server.fleet.attackerTitle", {
                    ip: s.ip,
                    others: s.others
                      .map((o) => o.host)
                      .slice(0, 5)
                      .join(", "),
                    host: s.host,
                  }),
                )}\n`,
              );
          },
          retentionDays,
          pullEveryMs: pullMinutes * 60_000,
          lang,
          onPull: (_hostId, r, target) => {
            if (r.ok) return;
            void import("../../server/dashboard/pull.ts").then(({ pullFailure }) =>
              io.stderr.write(
                `${escapeTerminalLines(pullFailure(t, { target, last_error: JSON.stringify(r.error) }) ?? "")}\n`,
              ),
            );
          },
          onRetentionError: (err) =>
            io.stderr.write(
              `${t("server.retentionFailed", { reason: escapeTerminalLines(String((err as Error)?.message ?? err)) })}\n`,
            ),
        });
      } catch (err) {
        if (err instanceof DataDirError)
          throw new UsageError(
            t("server.badData", { path: dataDir, reason: escapeTerminalLines(err.message) }),
          );
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL")
          throw new UsageError(t("server.cannotListen", { address: raw.listen ?? "", reason: code }));
        throw err;
      }
      if (running.certCreated) io.stdout.write(`${t("server.certCreated", { path: running.certPath })}\n`);
      io.stdout.write(`${t("server.fingerprint", { fingerprint: running.fingerprint })}\n`);
      const shown = running.host.includes(":") ? `[${running.host}]` : running.host;
      io.stdout.write(`${t("server.listening", { address: `${shown}:${running.port}` })}\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGTERM", () => resolve());
        process.once("SIGINT", () => resolve());
      });
      await running.stop();
      io.stderr.write(`${t("server.stopped")}\n`);
      done(EXIT_OK);
    });

  cmd
    .command("db-update")
    .description(
      "update the server's vulnerability data (and IOC lists), then judge every host's stored facts again",
    )
    .option("--from <dir>", "read every feed from DIR/<feed>/<file> (made by `mamori db fetch --to DIR`)")
    .option("--apache-url <url>", "Apache's consolidated CVE JSON (http(s):// or file://)")
    .option("--kev-url <url>", "CISA KEV JSON")
    .option("--debian-url <url>", "Debian security tracker JSON")
    .option("--feed <ids>", "comma-separated feed ids to refresh (default: all); the others keep their data")
    .option(
      "--ioc-file <file>",
      "an IOC list file (JSON, as in data/iocs/) to add or replace (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--no-feeds", "do not read the vulnerability feeds (only --ioc-file, then re-judge)")
    .option("--force", "judge again even if the data did not change")
    .action(async (_o: Raw, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw & DbUpdateRaw;
      const lang = langOf(raw, io);
      const t = translator(lang);
      const dataDir = path.resolve(io.cwd, needData(raw, t));
      const alerts = await alertsOf(raw, io, t, lang);
      const { serverDbUpdate } = await import("../../server/fleet/db-update.ts");
      const code = await withStore(raw, io, t, (store) =>
        serverDbUpdate(
          store,
          { ...raw, dataDir, shippedData: defaultDataDir(), cwd: io.cwd, alerts },
          io,
          t,
          nowOf(io),
        ),
      );
      done(code);
    });

  cmd
    .command("token")
    .description("print a one-time enrollment token for one new host")
    .option("--ttl <hours>", "hours until the token expires", "24")
    .action(async (_o: Raw, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw;
      const t = translator(langOf(raw, io));
      const hours = Number(raw.ttl ?? "24");
      if (!Number.isFinite(hours) || hours < 1 || hours > 720)
        throw new UsageError(t("server.badTtl", { value: String(raw.ttl) }));
      const made = await withStore(raw, io, t, (s) => createEnrollToken(s, nowOf(io)(), hours * 3600_000));
      io.stdout.write(`${made.token}\n`);
      io.stderr.write(
        `${t("server.tokenMade", { expires: made.expiresAt, fingerprint: fingerprintIn(path.resolve(io.cwd, needData(raw, t))) })}\n`,
      );
      done(EXIT_OK);
    });

  cmd
    .command("api-key")
    .description("print a new admin API key for /api/v1")
    .action(async (_o: Raw, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw;
      const t = translator(langOf(raw, io));
      const made = await withStore(raw, io, t, (s) => createApiKey(s, nowOf(io)(), "admin"));
      io.stdout.write(`${made.key}\n`);
      io.stderr.write(`${t("server.apiKeyMade")}\n`);
      done(EXIT_OK);
    });

  const user = cmd.command("user").description("dashboard users");
  user
    .command("add <name>")
    .description("add (or change) a dashboard user; the password is read from standard input")
    .option("--role <role>", "admin (may revoke hosts) or viewer (reads only)", "admin")
    .action(async (name: string, _o: { role?: string }, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw & { role?: string };
      const t = translator(langOf(raw, io));
      if (!USER_NAME.test(name))
        throw new UsageError(t("server.badUser", { value: escapeTerminalLines(name) }));
      const role = (raw.role ?? "admin") as Role;
      if (!ROLES.includes(role))
        throw new UsageError(
          t("cli.badOption", {
            option: "--role",
            value: escapeTerminalLines(String(raw.role)),
            expected: "admin|viewer",
          }),
        );
      const password = await stdinLine(1024);
      if (password.length < 12 || password.length > 1024) throw new UsageError(t("server.badPassword"));
      const { hashPassword } = await import("../../server/password.ts");
      const hash = await hashPassword(password);
      await withStore(raw, io, t, (s) => addUser(s, name, hash, role, nowOf(io)()));
      io.stdout.write(`${t("server.userAdded", { name, role })}\n`);
      done(EXIT_OK);
    });

  registerPull(cmd, io, done);

  cmd
    .command("revoke <host-id>")
    .description("revoke a host's credentials (it must enroll again with a new token)")
    .action(async (hostId: string, _o: Raw, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw;
      const t = translator(langOf(raw, io));
      const ok = await withStore(raw, io, t, (s) => revokeHost(s, hostId, nowOf(io)()));
      const shown = escapeTerminalLines(hostId);
      if (!ok) {
        io.stderr.write(`${t("cli.error", { message: t("server.unknownHost", { host: shown }) })}\n`);
        done(EXIT_ERROR);
        return;
      }
      io.stdout.write(`${t("server.revoked", { host: shown })}\n`);
      done(EXIT_OK);
    });
}

interface DbUpdateRaw {
  from?: string;
  apacheUrl?: string;
  kevUrl?: string;
  debianUrl?: string;
  feed?: string;
  iocFile?: string[];
  feeds?: boolean;
  force?: boolean;
}

/** The alert channels of --config (none without it). */
/**
 * The configuration file's `server:` values for the options not given on the command line (the file:
 * --config, else MAMORI_CONFIG, else /etc/mamori/config.yaml when it exists). Set on `server` itself,
 * so its subcommands (`server token`, `server pull add`) see them too; its alerts then come from the
 * same file.
 */
function applyConfigDefaults(cmd: Command, io: CliIo): void {
  const own = cmd.opts() as Raw;
  const { config, file } = runConfigOf({ lang: own.lang, config: own.config }, io);
  if (file && own.config === undefined) cmd.setOptionValueWithSource("config", file, "config");
  if (own.lang === undefined && config.lang) cmd.setOptionValueWithSource("lang", config.lang, "config");
  for (const [key, value] of Object.entries(config.server ?? {})) {
    if (value === undefined || cmd.getOptionValueSource(key) === "cli") continue;
    cmd.setOptionValueWithSource(key, String(value), "config");
  }
}

async function alertsOf(raw: Raw, io: CliIo, t: Translator, lang: Lang) {
  if (!raw.config) return undefined;
  const { loadConfig, ConfigError } = await import("../../config/load.ts");
  const { channelsFrom } = await import("../../alert/dispatch.ts");
  try {
    const { config } = loadConfig(path.resolve(io.cwd, raw.config), t, lang);
    return { config: config.alerts, channels: channelsFrom(config.alerts, io.env), lang };
  } catch (err) {
    if (err instanceof ConfigError || err instanceof Error)
      throw new UsageError(t("server.config", { reason: escapeTerminalLines(err.message) }));
    throw err;
  }
}

/** The first line of standard input (a password), at most `max` bytes read. */
async function stdinLine(max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > max || (chunk as Buffer).includes(0x0a)) break;
  }
  const text = Buffer.concat(chunks)
    .subarray(0, max + 1)
    .toString("utf8");
  return text.split(/\r?\n/)[0] ?? "";
}

/** The fingerprint of the certificate kept in the data directory, or "SHA256" when there is none yet. */
function fingerprintIn(dir: string): string {
  try {
    return new X509Certificate(fs.readFileSync(path.join(dir, CERT_FILE))).fingerprint256;
  } catch {
    return "SHA256";
  }
}

/** `mamori server pull add|list|remove|key`: agentless targets the running server reads over SSH. */
function registerPull(cmd: Command, io: CliIo, done: (code: number) => void): void {
  const pull = cmd
    .command("pull")
    .description("hosts without mamori that the server checks over SSH on a schedule (agentless)");
  const key = async (raw: Raw, t: Translator) => {
    const { ensureServerSshKey } = await import("../../server/pull/key.ts");
    const dir = path.resolve(io.cwd, needData(raw, t));
    try {
      return ensureServerSshKey(dir, euid());
    } catch (err) {
      throw new UsageError(
        t("server.badData", {
          path: dir,
          reason: escapeTerminalLines(err instanceof Error ? err.message : String(err)),
        }),
      );
    }
  };
  pull
    .command("add <target>")
    .description("register ssh://[user@]host[:port]; prints the server's public key to install there")
    .option("--sudo", "run the collector through sudo -n (for a user other than root)")
    .option("--cron <pattern>", "a schedule of its own (cron pattern) instead of --pull-every")
    .action(async (target: string, _o: Raw, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw & { sudo?: boolean; cron?: string };
      const t = translator(langOf(raw, io));
      const { addPullTarget, PullTargetError } = await import("../../server/pull/targets.ts");
      const shown = escapeTerminalLines(target.slice(0, 300));
      const k = await key(raw, t);
      let added: { hostId: string; target: string };
      try {
        added = await withStore(raw, io, t, (s) =>
          addPullTarget(s, target, { sudo: raw.sudo, cron: raw.cron, actor: "cli", now: nowOf(io)() }),
        );
      } catch (err) {
        if (!(err instanceof PullTargetError)) throw err;
        throw new UsageError(
          err.reason === "badTarget"
            ? t("server.pull.badTarget", { target: shown })
            : err.reason === "badCron"
              ? t("server.pull.badCron", { cron: escapeTerminalLines(String(raw.cron)) })
              : t("server.pull.exists", { target: shown }),
        );
      }
      io.stderr.write(`${t("server.pull.added", { target: added.target, host: added.hostId })}\n`);
      io.stdout.write(`${k.publicKey}\n`);
      done(EXIT_OK);
    });
  pull
    .command("list")
    .description("the registered targets and how their last pull went")
    .action(async (_o: Raw, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw;
      const t = translator(langOf(raw, io));
      const { listPullTargets } = await import("../../server/pull/targets.ts");
      const { pullFailure } = await import("../../server/dashboard/pull.ts");
      const rows = await withStore(raw, io, t, (s) => listPullTargets(s));
      for (const p of rows)
        io.stdout.write(
          `${escapeTerminalLines(
            t("server.pull.line", {
              target: p.target,
              host: p.host_id,
              ok: p.last_ok_at ?? t("dash.never"),
              status: pullFailure(t, p) ?? (p.last_attempt_at ? t("dash.pull.ok") : t("dash.pull.pending")),
            }),
          )}\n`,
        );
      done(EXIT_OK);
    });
  pull
    .command("remove <target>")
    .description("stop checking a target (by ssh:// address or host id); its reports stay")
    .action(async (target: string, _o: Raw, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw;
      const t = translator(langOf(raw, io));
      const { removePullTarget } = await import("../../server/pull/targets.ts");
      const ok = await withStore(raw, io, t, (s) =>
        removePullTarget(s, target, { actor: "cli", now: nowOf(io)() }),
      );
      const shown = escapeTerminalLines(target.slice(0, 300));
      if (!ok) {
        io.stderr.write(`${t("cli.error", { message: t("server.pull.unknown", { target: shown }) })}\n`);
        done(EXIT_ERROR);
        return;
      }
      io.stdout.write(`${t("server.pull.removed", { target: shown })}\n`);
      done(EXIT_OK);
    });
  pull
    .command("key")
    .description("print the server's public SSH key (made on first use in DATA/ssh)")
    .action(async (_o: Raw, sub: Command) => {
      const raw = sub.optsWithGlobals() as Raw;
      const t = translator(langOf(raw, io));
      io.stdout.write(`${(await key(raw, t)).publicKey}\n`);
      done(EXIT_OK);
    });
}
