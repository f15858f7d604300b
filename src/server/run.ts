import { X509Certificate } from "node:crypto";
import { Hono } from "hono";
import type { Lang } from "../i18n/index.ts";
import { apiRoutes, reportGate } from "./api.ts";
import { type DashboardEnv, dashboardRoutes } from "./dashboard/routes.ts";
import { DataDirError, databaseOf, openDataDir, readPem, tlsMaterial } from "./data-dir.ts";
import type { FleetAlerts } from "./fleet/alerts.ts";
import type { Sighting } from "./fleet/context.ts";
import { type Listening, listenHttps } from "./listen.ts";
import { lazyServerSshKey, type ServerSshKey } from "./pull/key.ts";
import type { PullResult, PullScheduler } from "./pull/run.ts";
import { ensureJudgeData, type RejudgeResult } from "./rejudge.ts";
import { DEFAULT_RETENTION_DAYS, type RetentionJob, startRetention } from "./retention.ts";
import { openServerStore, type ServerStore } from "./store/db.ts";

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  db?: string;
  certFile?: string;
  keyFile?: string;
  euid: number;
  now: () => Date;
  maxBody?: number;
  /** The data mamori ships with (vulndb.json, iocs/): copied into DATA/vulndata on first start. */
  shippedData: string;
  /** How often to look for a new data version (re-judging when there is one); 0: only at start. */
  rejudgeEveryMs?: number;
  alerts?: FleetAlerts;
  /** Told after each re-judging that did something, or failed (one line; the server goes on). */
  onRejudge?: (r: RejudgeResult | Error) => void;
  /** Told when a report brought an attacker other hosts had seen (one line per address). */
  onSighting?: (s: Sighting[]) => void;
  /** Days events and old reports are kept (src/server/retention.ts). */
  retentionDays?: number;
  /** A daily retention run that failed (the server goes on). */
  onRetentionError?: (err: unknown) => void;
  /** Agentless pull targets without a cron of their own are pulled this often; 0: only those with one. */
  pullEveryMs?: number;
  /** --tls-client-ca: a CA file (PEM); agents must present a certificate it signed. */
  clientCaFile?: string;
  /** The language of pulled reports' texts. */
  lang?: Lang;
  /** Told after each pull (one line; the server goes on). */
  onPull?: (hostId: string, r: PullResult, target: string) => void;
}

export interface RunningServer extends Listening {
  fingerprint: string;
  certCreated: boolean;
  certPath: string;
  store: ServerStore;
  /** DATA/vulndata: the data the server judges with and gives to agents. */
  judgeDir: string;
  /** Pulls every due agentless target now (what the minute timer does); resolves when done. */
  pullDue(): Promise<void>;
  /** Re-judges now when the data version changed (what the timer does); resolves when done. */
  rejudge(): Promise<void>;
  /** Stops serving, then closes the database. */
  stop(): Promise<void>;
}

/** The whole application: /api/v1 for agents and scripts (the dashboard mounts beside it). */
export function serverApp(
  store: ServerStore,
  now: () => Date,
  judgeDir?: string,
  onIngest?: (hostId: string) => void,
  sshKey?: () => ServerSshKey,
  requireClientCert = false,
): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.route("/api/v1", apiRoutes({ store, now, judgeDir, onIngest, requireClientCert }));
  app.route("/", dashboardRoutes({ store, now, sshKey }));
  app.notFound((c) => c.json({ error: "not-found" }, 404));
  app.onError((_err, c) => c.json({ error: "internal" }, 500));
  return app;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const d = openDataDir(opts.dataDir, opts.euid, true);
  let tls: ReturnType<typeof tlsMaterial>;
  let target: string;
  let clientCa: string | undefined;
  try {
    tls = tlsMaterial(d, opts.euid, {
      certFile: opts.certFile,
      keyFile: opts.keyFile,
      hosts: [opts.host],
      now: opts.now(),
    });
    target = databaseOf(d, opts.dataDir, opts.euid, opts.db);
    if (opts.clientCaFile) {
      clientCa = readPem(opts.clientCaFile, opts.euid);
      try {
        new X509Certificate(clientCa);
      } catch (err) {
        throw new DataDirError(`${opts.clientCaFile}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } finally {
    d.close();
  }
  const judgeDir = ensureJudgeData(opts.dataDir, opts.shippedData);
  const store = await openServerStore(target);
  // Fleet context after each report, one host at a time, off the request path.
  let context: Promise<void> = Promise.resolve();
  let stopping = false;
  // The folded attackers (fleet_attackers) are brought up to date here too, at most once a second, so
  // marks do not pile up while nobody reads the attackers view (a read brings them up to date anyway).
  let folded = 0;
  const onIngest = (hostId: string) => {
    if (stopping) return;
    context = context.then(async () => {
      if (stopping) return;
      try {
        const { fleetSightings } = await import("./fleet/context.ts");
        const seen = await fleetSightings(store, hostId, opts.now, opts.alerts);
        if (seen.length > 0) opts.onSighting?.(seen);
        const at = opts.now().getTime();
        if (Math.abs(at - folded) >= 1000) {
          folded = at;
          const { refreshFleetAttackers } = await import("./store/summaries.ts");
          await refreshFleetAttackers(store);
        }
      } catch (err) {
        opts.onRejudge?.(err instanceof Error ? err : new Error(String(err)));
      }
    });
  };
  const sshKey = lazyServerSshKey(opts.dataDir, opts.euid);
  let listening: Listening;
  let retention: RetentionJob | undefined;
  try {
    retention = await startRetention(store, {
      days: opts.retentionDays ?? DEFAULT_RETENTION_DAYS,
      now: opts.now,
      onError: opts.onRetentionError,
    });
    listening = await listenHttps(
      serverApp(store, opts.now, judgeDir, onIngest, sshKey, clientCa !== undefined),
      {
        clientCa,
        reportGate: reportGate({ store, now: opts.now, requireClientCert: clientCa !== undefined }),
        host: opts.host,
        port: opts.port,
        cert: tls.cert,
        key: tls.key,
        maxBody: opts.maxBody,
      },
    );
  } catch (err) {
    retention?.stop();
    await store.close();
    throw err;
  }
  // One re-judging at a time; the timer's next turn finds the version judged and does nothing.
  let running: Promise<void> | undefined;
  const rejudge = (): Promise<void> => {
    running ??= (async () => {
      try {
        const { rejudgeFleet } = await import("./rejudge.ts");
        const alerts = opts.alerts;
        const { alertNewFindings } = await import("./fleet/alerts.ts");
        const r = await rejudgeFleet(store, {
          judgeDir,
          now: opts.now,
          onNew: alerts ? (n) => alertNewFindings(store, alerts, n, opts.now) : undefined,
        });
        if (r.judged) opts.onRejudge?.(r);
      } catch (err) {
        opts.onRejudge?.(err instanceof Error ? err : new Error(String(err)));
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const { startPullScheduler } = await import("./pull/run.ts");
  const pulls: PullScheduler = startPullScheduler(store, {
    key: sshKey,
    judgeDir,
    now: opts.now,
    lang: opts.lang ?? "en",
    everyMs: opts.pullEveryMs ?? 360 * 60_000,
    onPulled: (hostId, r, target) => {
      if (r.ok) onIngest(hostId);
      opts.onPull?.(hostId, r, target);
    },
    onError: (err) => opts.onRejudge?.(err instanceof Error ? err : new Error(String(err))),
  });
  const first = setTimeout(() => void rejudge(), 0);
  const every = opts.rejudgeEveryMs ?? 3600_000;
  const timer = every > 0 ? setInterval(() => void rejudge(), every) : undefined;
  timer?.unref();
  return {
    ...listening,
    fingerprint: tls.fingerprint,
    certCreated: tls.created,
    certPath: opts.certFile ?? `${opts.dataDir}/tls-cert.pem`,
    store,
    judgeDir,
    rejudge,
    pullDue: () => pulls.runDue(),
    async stop() {
      clearTimeout(first);
      await pulls.stop();
      if (timer) clearInterval(timer);
      retention?.stop();
      await listening.close();
      stopping = true;
      await context;
      await running;
      await store.close();
    },
  };
}

/** Opens the database of a data directory (for `server token`, `server api-key`, `server revoke`). */
export async function openDataStore(
  dataDir: string,
  db: string | undefined,
  euid: number,
): Promise<ServerStore> {
  const d = openDataDir(dataDir, euid, false);
  try {
    return await openServerStore(databaseOf(d, dataDir, euid, db));
  } finally {
    d.close();
  }
}
