import { Cron } from "croner";
import type { CommonOptions } from "../../cli/options.ts";
import { reportSchema } from "../../core/contract.ts";
import type { FactsBundle } from "../../facts/bundle.ts";
import { FACTS_KIND, FACTS_SCHEMA_VERSION, factsBundleSchema } from "../../facts/bundle.ts";
import { type Lang, translator } from "../../i18n/index.ts";
import { judgeOpenedBundle } from "../../remote/audit.ts";
import type { OpenedBundle } from "../../remote/bundle-read.ts";
import { collectOverSsh, parseSshTarget, SshError } from "../../remote/ssh.ts";
import { RENDERERS } from "../../report/formats/index.ts";
import type { ServerStore } from "../store/db.ts";
import { ingestReport } from "../store/repo.ts";
import type { ServerSshKey } from "./key.ts";
import { isDue, listPullTargets, type PullError, type PullTarget, recordPull } from "./targets.ts";

/**
 * One agentless pull: /usr/bin/ssh with the server's own key and known_hosts (trust on first use while
 * the target has no pinned key, strict from then on), the collector's bundle read with bounds, judged as
 * `mamori audit ssh://…` would, and stored exactly as a pushed report of that host (document as `--format
 * json` writes it, plus its facts, so re-judging covers it). A failure is recorded on the target.
 */
export interface PullOptions {
  /** The server's SSH key (made on first use). */
  key: () => ServerSshKey;
  judgeDir: string;
  now: () => Date;
  lang: Lang;
  /** Seconds one pull may take in all (ssh, collector, transfer). */
  totalSeconds?: number;
  /** The server is stopping: ssh is stopped and nothing is recorded. */
  signal?: AbortSignal;
}

/** Failures after which the host key is in known_hosts: the connection got past host key checking. */
const PAST_HOST_KEY = new Set(["permissionDenied", "sudoPassword", "collectorFailed", "tooLarge"]);

export type PullResult = { ok: true; reportId: string } | { ok: false; error: PullError };

export async function pullTarget(
  store: ServerStore,
  t: PullTarget,
  o: PullOptions,
): Promise<{ ok: true; reportId: string } | { ok: false; error: PullError }> {
  const fail = async (error: PullError, pinned: boolean) => {
    if (o.signal?.aborted) return { ok: false as const, error: { kind: "stopped", detail: "", code: "-" } };
    await recordPull(store, t.host_id, o.now(), { ok: false, error, pinned });
    return { ok: false as const, error };
  };
  const parsed = parseSshTarget(t.target);
  if (!parsed) return fail({ kind: "badTarget", detail: "", code: "-" }, false);
  let key: ServerSshKey;
  try {
    key = o.key();
  } catch (err) {
    return fail({ kind: "noKey", detail: errText(err), code: "-" }, false);
  }
  let opened: OpenedBundle;
  try {
    opened = await collectOverSsh(parsed, {
      sudo: t.sudo === 1,
      acceptNewHostKey: t.host_key_pinned_at === null,
      config: "/dev/null",
      identityFile: key.identityFile,
      knownHostsFile: key.knownHostsFile,
      totalSeconds: o.totalSeconds,
      signal: o.signal,
    });
  } catch (err) {
    if (err instanceof SshError)
      return fail(
        { kind: err.kind, detail: err.detail, code: err.code === null ? "-" : String(err.code) },
        PAST_HOST_KEY.has(err.kind),
      );
    return fail({ kind: "collectorFailed", detail: errText(err), code: "-" }, false);
  }
  let kept: FactsBundle | undefined;
  let document: string;
  let doc: ReturnType<typeof reportSchema.parse>;
  try {
    const opts: CommonOptions = {
      root: "/",
      format: "json",
      lang: o.lang,
      threshold: "info",
      color: false,
      dataDir: o.judgeDir,
      now: o.now,
      timeZone: "UTC",
      verbose: false,
    };
    // No environment: MAMORI_IOC_DIR and the like of the server process do not choose the data.
    const raw = await judgeOpenedBundle(opened, t.target, opts, {}, (b) => {
      kept = b;
    });
    document = RENDERERS.json.render(raw, {
      lang: o.lang,
      t: translator(o.lang),
      color: false,
      threshold: "info",
    });
    doc = reportSchema.parse(JSON.parse(document));
  } catch (err) {
    return fail({ kind: "judgeFailed", detail: errText(err), code: "-" }, true);
  } finally {
    opened.close();
  }
  // The facts as a pushing agent sends them: the same checks the API makes.
  let facts: string | undefined;
  if (kept) {
    const named = { ...kept, root: t.target, host: { ...kept.host, root: t.target } };
    const text = JSON.stringify(named);
    const back = JSON.parse(text) as { kind?: unknown; schemaVersion?: unknown };
    if (
      back.kind === FACTS_KIND &&
      back.schemaVersion === FACTS_SCHEMA_VERSION &&
      factsBundleSchema.safeParse(back).success
    )
      facts = text;
  }
  const now = o.now();
  const scanned = Date.parse(doc.scannedAt);
  const reportId = await ingestReport(
    store,
    t.host_id,
    {
      hostname: (doc.host.hostname || t.target).slice(0, 255),
      os: doc.host.os === undefined ? undefined : doc.host.os.slice(0, 255),
      scannedAt: Number.isFinite(scanned) ? new Date(scanned).toISOString() : now.toISOString(),
      findings: doc.findings.map((f) => ({ id: f.id, check: f.check, severity: f.severity, title: f.title })),
      incidents: doc.incidents.map((x) => ({ id: x.id, severity: x.severity, title: x.title })),
      document,
      facts,
    },
    now,
    { actor: "pull", action: "report.ingest" },
  );
  await recordPull(store, t.host_id, o.now(), { ok: true, reportId, pinned: true });
  return { ok: true, reportId };
}

function errText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err))
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "?")
    .slice(0, 200);
}

export interface PullScheduler {
  /** Pulls every due target now, one after another (what each minute's turn does); resolves when done. */
  runDue(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Looks every minute (and at start) for targets that are due, and pulls them one at a time: a pull runs
 * the collector over SSH and judges its bundle, so the server never runs two at once.
 */
export function startPullScheduler(
  store: ServerStore,
  o: PullOptions & {
    everyMs: number;
    onPulled?: (hostId: string, r: PullResult, target: string) => void;
    onError?: (err: unknown) => void;
  },
): PullScheduler {
  let running: Promise<void> | undefined;
  let stopping = false;
  const aborter = new AbortController();
  const runDue = (): Promise<void> => {
    running ??= (async () => {
      try {
        for (const t of await listPullTargets(store)) {
          if (stopping) break;
          if (!isDue(t, o.now(), o.everyMs)) continue;
          const r = await pullTarget(store, t, { ...o, signal: aborter.signal });
          if (stopping) break;
          o.onPulled?.(t.host_id, r, t.target);
        }
      } catch (err) {
        o.onError?.(err);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const first = setTimeout(() => void runDue(), 0);
  const job = new Cron("* * * * *", { protect: true }, () => runDue());
  return {
    runDue,
    async stop() {
      stopping = true;
      aborter.abort();
      clearTimeout(first);
      job.stop();
      await running;
    },
  };
}
