import type { AlertsConfig } from "../config/schema.ts";
import { errorCode } from "../core/diagnostics.ts";
import type { ReportDocument } from "../core/document.ts";
import { atLeast, type Finding } from "../core/finding.ts";
import type { Lang, Translator } from "../i18n/index.ts";
import {
  type DeliveryRecord,
  lastDigestAt,
  markAlerted,
  markDigestSent,
  openAlerts,
  pendingDigest,
  queueDigest,
  recordDelivery,
  releaseAlerted,
  resolveAbsent,
  sentSince,
} from "../store/alerts.ts";
import { type Store, writeTx } from "../store/db.ts";
import { type Channel, emailChannel, webhookChannel } from "./channels.ts";
import type { AlertMessage } from "./message.ts";
import { scrub } from "./redact.ts";

export interface DispatchInput {
  store: Store;
  scanId: string;
  doc: ReportDocument;
  config: AlertsConfig;
  channels: Channel[];
  lang: Lang;
  t: Translator;
  now: () => Date;
  /** The reader's IANA zone for times in message text (from TZ, resolved by the caller); default UTC. */
  timeZone?: string;
  /** Waits between retries; tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
  /** Failures are reported here (stderr), with secrets already removed. */
  warn?: (line: string) => void;
}

export interface DispatchResult {
  candidates: Finding[];
  deliveries: DeliveryRecord[];
  queued: number;
  resolved: string[];
}

export function channelsFrom(config: AlertsConfig, env: NodeJS.ProcessEnv): Channel[] {
  const out = config.webhooks.map((w) => webhookChannel(w, env));
  if (config.email) out.push(emailChannel(config.email, env));
  return out;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Tries a channel `attempts` times, waiting base, 4*base, 16*base... between tries. */
async function sendWithRetry(
  ch: Channel,
  m: AlertMessage,
  input: DispatchInput,
): Promise<{ ok: boolean; attempts: number; error: string | null }> {
  const { attempts, baseDelayMs, timeoutMs } = input.config.retry;
  const sleep = input.sleep ?? defaultSleep;
  let error: string | null = null;
  for (let i = 1; i <= attempts; i++) {
    try {
      await ch.send(m, input.t, timeoutMs);
      return { ok: true, attempts: i, error: null };
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      const raw = cause ? `${errorCode(err)}: ${errorCode(cause)}` : errorCode(err);
      error = scrub(raw, ch.secrets).slice(0, 300);
      if (i < attempts) await sleep(baseDelayMs * 4 ** (i - 1));
    }
  }
  return { ok: false, attempts, error };
}

/** Records one delivery attempt (or rate-limit refusal) of some findings to one channel, in its own write. */
function record(
  input: DispatchInput,
  host: string,
  at: string,
  ch: Channel,
  kind: DeliveryRecord["kind"],
  findings: Finding[],
  outcome: { status: DeliveryRecord["status"]; attempts: number; error: string | null },
): Promise<DeliveryRecord> {
  return writeTx(input.store, (trx) =>
    recordDelivery(trx, {
      host,
      scanId: input.scanId,
      createdAt: at,
      channel: ch.name,
      target: ch.target,
      kind,
      ...outcome,
      findingIds: findings.map((f) => f.id),
    }),
  );
}

/**
 * After a scan is stored: resolves alerts whose finding is gone, then alerts once per new finding at or
 * above `minSeverity` on every channel, within the hourly rate limit (overflow waits for the digest when
 * it is enabled, else for the next scan). Every attempt is recorded in alert_deliveries, failures included.
 */
export async function dispatchAlerts(input: DispatchInput): Promise<DispatchResult> {
  const { store, doc, config, t } = input;
  const host = doc.host.hostname;
  const at = input.now().toISOString();
  const present = new Set(doc.findings.map((f) => f.id));
  const resolved = await writeTx(store, (trx) => resolveAbsent(trx, host, present, at));
  // Claimed in one write transaction: a timer's scan and a running watch cannot both alert the same finding.
  const candidates =
    input.channels.length === 0
      ? []
      : await writeTx(store, async (trx) => {
          const open = await openAlerts(trx, host);
          const fresh = doc.findings.filter(
            (f) => atLeast(f.severity, config.minSeverity) && !open.has(f.id),
          );
          await markAlerted(trx, host, fresh, at);
          return fresh;
        });
  const deliveries: DeliveryRecord[] = [];
  let queued = 0;
  const message: AlertMessage = {
    kind: "alert",
    host,
    scanId: input.scanId,
    at: doc.scannedAt,
    lang: input.lang,
    timeZone: input.timeZone,
    findings: candidates,
    // The break-in first: the incidents any new finding is part of.
    incidents: doc.incidents.filter((i) => i.findingIds.some((id) => candidates.some((f) => f.id === id))),
  };

  if (candidates.length > 0 && input.channels.length > 0) {
    if (config.digest.enabled && config.digest.only) {
      await writeTx(store, (trx) => queueDigest(trx, host, input.scanId, candidates, at));
      queued = candidates.length;
    } else {
      let delivered = false;
      let limited = false;
      const hourAgo = new Date(input.now().getTime() - 3600_000).toISOString();
      for (const ch of input.channels) {
        if ((await sentSince(store.db, host, ch.name, hourAgo)) >= config.rateLimit.maxPerHour) {
          limited = true;
          deliveries.push(
            await record(input, host, at, ch, "alert", candidates, {
              status: "rate-limited",
              attempts: 0,
              error: null,
            }),
          );
          continue;
        }
        const r = await sendWithRetry(ch, message, input);
        if (r.ok) delivered = true;
        else
          input.warn?.(
            t("watch.alert.sendFailed", {
              channel: ch.name,
              target: ch.target,
              attempts: r.attempts,
              reason: r.error ?? "",
            }),
          );
        deliveries.push(
          await record(input, host, at, ch, "alert", candidates, {
            status: r.ok ? "sent" : "failed",
            attempts: r.attempts,
            error: r.error,
          }),
        );
      }
      const toDigest = limited && config.digest.enabled;
      if (toDigest) {
        await writeTx(store, (trx) => queueDigest(trx, host, input.scanId, candidates, at));
        queued = candidates.length;
      } else if (!delivered) {
        // Nothing delivered and nothing queued: the claim is released, and they are tried after the next scan.
        await writeTx(store, (trx) => releaseAlerted(trx, host, candidates));
      }
    }
  }

  if (config.digest.enabled && input.channels.length > 0)
    deliveries.push(...(await maybeDigest(input, host)));
  return { candidates, deliveries, queued, resolved };
}

/** Once a day, after `digest.hour` (local time), everything queued goes out in one message per channel. */
async function maybeDigest(input: DispatchInput, host: string): Promise<DeliveryRecord[]> {
  const { store, config } = input;
  const now = input.now();
  if (now.getHours() < config.digest.hour) return [];
  const dueFrom = new Date(now);
  dueFrom.setHours(config.digest.hour, 0, 0, 0);
  const last = await lastDigestAt(store.db, host);
  if (last && new Date(last) >= dueFrom) return [];
  const findings = await pendingDigest(store.db, host);
  if (findings.length === 0) return [];
  const at = now.toISOString();
  const m: AlertMessage = { kind: "digest", host, at, lang: input.lang, timeZone: input.timeZone, findings };
  const out: DeliveryRecord[] = [];
  let any = false;
  for (const ch of input.channels) {
    const r = await sendWithRetry(ch, m, input);
    any ||= r.ok;
    out.push(
      await record(input, host, at, ch, "digest", findings, {
        status: r.ok ? "sent" : "failed",
        attempts: r.attempts,
        error: r.error,
      }),
    );
  }
  if (any) await writeTx(store, (trx) => markDigestSent(trx, host, at));
  return out;
}
