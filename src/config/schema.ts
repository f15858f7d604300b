import { z } from "zod";
import { SEVERITIES } from "../core/finding.ts";

const severity = z.enum(SEVERITIES);

const webhook = z
  .object({
    /** The URL often holds a token: it is never printed whole. */
    url: z.string().url().optional(),
    /** Or the name of an environment variable that holds the URL (keeps the token out of the file). */
    urlEnv: z.string().min(1).optional(),
    format: z.enum(["json", "slack", "discord", "teams", "chatwork"]).default("json"),
    name: z.string().optional(),
    /** Chatwork's API token (sent as X-ChatWorkToken), or the environment variable that holds it. */
    token: z.string().min(1).optional(),
    tokenEnv: z.string().min(1).optional(),
  })
  .strict()
  .refine((w) => Boolean(w.url) !== Boolean(w.urlEnv), { message: "watch.config.urlOrEnv" })
  .refine((w) => w.format !== "chatwork" || Boolean(w.token) !== Boolean(w.tokenEnv), {
    message: "watch.config.chatworkToken",
    path: ["format"],
  });

const email = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** "starttls" upgrades a plain connection (port 587), "tls" is TLS from the start (465), "none" is plain. */
    security: z.enum(["starttls", "tls", "none"]).default("starttls"),
    user: z.string().optional(),
    password: z.string().optional(),
    /** Environment variable holding the password (default MAMORI_SMTP_PASSWORD). */
    passwordEnv: z.string().default("MAMORI_SMTP_PASSWORD"),
    /** PEM file of a CA to trust (a private mail server's own certificate). */
    caFile: z.string().optional(),
    rejectUnauthorized: z.boolean().default(true),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
  })
  .strict()
  .refine((e) => !(e.security === "none" && e.user && !/^(127\.|localhost$|::1$)/.test(e.host)), {
    message: "watch.config.smtpClearText",
    path: ["security"],
  });

export const configSchema = z
  .object({
    /** History database: a file path (SQLite) or a postgres:// URL. */
    db: z.string().min(1).optional(),
    lang: z.enum(["en", "ja"]).optional(),
    /** Default of --severity-threshold for every command that judges findings (audit, logs, hunt, check, ...). */
    severityThreshold: severity.optional(),
    /** Default of --exit-code: the exit code when findings at or above the threshold exist (2 and 3 are taken). */
    exitCode: z
      .number()
      .int()
      .min(0)
      .max(125)
      .refine((n) => n !== 2 && n !== 3, { message: "config.exitCodeTaken" })
      .optional(),
    /** Access log format of `mamori logs` when --log-format is not given: a nickname or a LogFormat string. */
    logFormat: z.string().min(1).max(4096).optional(),
    root: z.string().default("/"),
    /**
     * Findings accepted with a reason and an expiry, as in the ignore file (src/core/ignore.ts checks each
     * entry and names the line of a bad one; the rest still apply, so the configuration is not refused).
     */
    ignore: z.array(z.unknown()).optional(),
    schedule: z.string().default("*/15 * * * *"),
    logs: z
      .array(
        z
          .object({ path: z.string().startsWith("/"), kind: z.enum(["access", "error"]).default("access") })
          .strict(),
      )
      .default([
        { path: "/var/log/apache2/access.log", kind: "access" },
        { path: "/var/log/apache2/error.log", kind: "error" },
      ]),
    /**
     * URLs of the vulnerability feeds for `mamori db update` (ids in src/vulndb/feeds.ts): an id and
     * one URL, or for a feed of several files an id and { file: URL }. http(s):// or file://.
     */
    feeds: z
      .record(z.string().min(1), z.union([z.string().min(1), z.record(z.string().min(1), z.string().min(1))]))
      .optional(),
    store: z
      .object({ busyTimeoutMs: z.number().int().min(0).max(600_000).default(10_000) })
      .strict()
      .default({ busyTimeoutMs: 10_000 }),
    /**
     * Defaults of `mamori server` and its subcommands (the same names as their options; an option given
     * on the command line wins). Paths are the server's own: its data directory and TLS files.
     */
    server: z
      .object({
        listen: z.string().min(1).max(300).optional(),
        data: z.string().startsWith("/").optional(),
        db: z.string().min(1).optional(),
        tlsCert: z.string().startsWith("/").optional(),
        tlsKey: z.string().startsWith("/").optional(),
        tlsClientCa: z.string().startsWith("/").optional(),
        rejudgeEvery: z.number().int().min(0).max(10080).optional(),
        retentionDays: z.number().int().min(1).max(36500).optional(),
        pullEvery: z.number().int().min(0).max(44640).optional(),
      })
      .strict()
      .optional(),
    alerts: z
      .object({
        minSeverity: severity.default("high"),
        webhooks: z.array(webhook).default([]),
        email: email.optional(),
        rateLimit: z
          .object({ maxPerHour: z.number().int().min(1).default(6) })
          .strict()
          .default({ maxPerHour: 6 }),
        digest: z
          .object({
            enabled: z.boolean().default(false),
            /** Hour of the day (local time of the watcher) after which the daily digest goes out. */
            hour: z.number().int().min(0).max(23).default(8),
            /** Send everything in the digest, nothing immediately. */
            only: z.boolean().default(false),
          })
          .strict()
          .default({ enabled: false, hour: 8, only: false }),
        retry: z
          .object({
            attempts: z.number().int().min(1).max(10).default(4),
            baseDelayMs: z.number().int().min(0).max(600_000).default(2000),
            timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
          })
          .strict()
          .default({ attempts: 4, baseDelayMs: 2000, timeoutMs: 10_000 }),
      })
      .strict()
      .default({
        minSeverity: "high",
        webhooks: [],
        rateLimit: { maxPerHour: 6 },
        digest: { enabled: false, hour: 8, only: false },
        retry: { attempts: 4, baseDelayMs: 2000, timeoutMs: 10_000 },
      }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type WebhookConfig = z.infer<typeof webhook>;
export type EmailConfig = z.infer<typeof email>;
export type AlertsConfig = Config["alerts"];
