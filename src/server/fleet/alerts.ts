import type { Channel } from "../../alert/channels.ts";
import type { AlertMessage } from "../../alert/message.ts";
import { scrub } from "../../alert/redact.ts";
import type { AlertsConfig } from "../../config/schema.ts";
import { atLeast } from "../../core/finding.ts";
import { type Lang, translator } from "../../i18n/index.ts";
import type { NewFindings } from "../rejudge.ts";
import type { ServerStore } from "../store/db.ts";
import { recordEvent } from "../store/fleet-queries.ts";

/** The server's alert channels (from `--config FILE`'s `alerts`), for findings raised by re-judging. */
export interface FleetAlerts {
  config: AlertsConfig;
  channels: Channel[];
  lang: Lang;
}

/**
 * Sends one alert per host with new findings at or above the configured severity, on every channel, with
 * the configured retries; every attempt's outcome is written to the audit log ("alert.sent"/"alert.failed",
 * secrets removed from error texts). Never throws: a channel down must not stop re-judging.
 */
export async function alertNewFindings(
  store: ServerStore,
  alerts: FleetAlerts,
  n: NewFindings,
  now: () => Date,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  const findings = n.findings.filter((f) => atLeast(f.severity, alerts.config.minSeverity));
  if (findings.length === 0 || alerts.channels.length === 0) return;
  const t = translator(alerts.lang);
  const message: AlertMessage = {
    kind: "alert",
    host: n.host,
    scanId: n.reportId,
    at: now().toISOString(),
    lang: alerts.lang,
    findings,
    incidents: n.incidents,
  };
  const { attempts, baseDelayMs, timeoutMs } = alerts.config.retry;
  for (const ch of alerts.channels) {
    let error: string | null = null;
    let tries = 0;
    for (let i = 1; i <= attempts; i++) {
      tries = i;
      try {
        await ch.send(message, t, timeoutMs);
        error = null;
        break;
      } catch (err) {
        error = scrub(err instanceof Error ? err.message : String(err), ch.secrets).slice(0, 300);
        if (i < attempts) await sleep(baseDelayMs * 4 ** (i - 1));
      }
    }
    try {
      await recordEvent(store, now(), "server", error ? "alert.failed" : "alert.sent", n.hostId, {
        channel: ch.name,
        target: ch.target,
        attempts: tries,
        findings: findings.map((f) => f.id),
        ...(error ? { error } : {}),
      });
    } catch {
      // the audit log could not be written: the next re-judging says more
    }
  }
}
