import { Hono } from "hono";
import { apiRoutes } from "./api.ts";
import { type DashboardEnv, dashboardRoutes } from "./dashboard/routes.ts";
import { databaseOf, openDataDir, tlsMaterial } from "./data-dir.ts";
import { type Listening, listenHttps } from "./listen.ts";
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
  /** Days events and old reports are kept (src/server/retention.ts). */
  retentionDays?: number;
  /** A daily retention run that failed (the server goes on). */
  onRetentionError?: (err: unknown) => void;
}

export interface RunningServer extends Listening {
  fingerprint: string;
  certCreated: boolean;
  certPath: string;
  store: ServerStore;
  /** Stops serving, then closes the database. */
  stop(): Promise<void>;
}

/** The whole application: /api/v1 for agents and scripts (the dashboard mounts beside it). */
export function serverApp(store: ServerStore, now: () => Date): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.route("/api/v1", apiRoutes({ store, now }));
  app.route("/", dashboardRoutes({ store, now }));
  app.notFound((c) => c.json({ error: "not-found" }, 404));
  app.onError((_err, c) => c.json({ error: "internal" }, 500));
  return app;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const d = openDataDir(opts.dataDir, opts.euid, true);
  let tls: ReturnType<typeof tlsMaterial>;
  let target: string;
  try {
    tls = tlsMaterial(d, opts.euid, {
      certFile: opts.certFile,
      keyFile: opts.keyFile,
      hosts: [opts.host],
      now: opts.now(),
    });
    target = databaseOf(d, opts.dataDir, opts.euid, opts.db);
  } finally {
    d.close();
  }
  const store = await openServerStore(target);
  let listening: Listening;
  let retention: RetentionJob | undefined;
  try {
    retention = await startRetention(store, {
      days: opts.retentionDays ?? DEFAULT_RETENTION_DAYS,
      now: opts.now,
      onError: opts.onRetentionError,
    });
    listening = await listenHttps(serverApp(store, opts.now), {
      host: opts.host,
      port: opts.port,
      cert: tls.cert,
      key: tls.key,
      maxBody: opts.maxBody,
    });
  } catch (err) {
    retention?.stop();
    await store.close();
    throw err;
  }
  return {
    ...listening,
    fingerprint: tls.fingerprint,
    certCreated: tls.created,
    certPath: opts.certFile ?? `${opts.dataDir}/tls-cert.pem`,
    store,
    async stop() {
      retention?.stop();
      await listening.close();
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
