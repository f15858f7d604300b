import * as fs from "node:fs";
import * as net from "node:net";
import nodemailer from "nodemailer";
import type { EmailConfig, WebhookConfig } from "../config/schema.ts";
import type { Translator } from "../i18n/index.ts";
import { jsonSafe } from "../report/escape.ts";
import {
  type AlertMessage,
  chatworkBody,
  discordPayload,
  emailText,
  jsonPayload,
  slackPayload,
  teamsPayload,
} from "./message.ts";
import { redactUrl } from "./redact.ts";

/** Where alerts go. `target` is safe to show; `secrets` are scrubbed from any error text. */
export interface Channel {
  name: string;
  target: string;
  secrets: string[];
  send(m: AlertMessage, t: Translator, timeoutMs: number): Promise<void>;
}

/** A channel the configuration names but the environment does not complete (key and variable name). */
export class ChannelConfigError extends Error {
  readonly key: string;
  readonly variable: string;
  constructor(key: string, variable: string) {
    super(`${key}: ${variable}`);
    this.key = key;
    this.variable = variable;
  }
}

export function webhookChannel(w: WebhookConfig, env: NodeJS.ProcessEnv): Channel {
  const url = w.url ?? (w.urlEnv ? env[w.urlEnv] : undefined);
  if (!url) throw new ChannelConfigError("alerts.webhooks.urlEnv", w.urlEnv ?? "");
  const token = w.format === "chatwork" ? (w.token ?? (w.tokenEnv ? env[w.tokenEnv] : undefined)) : undefined;
  if (w.format === "chatwork" && !token)
    throw new ChannelConfigError("alerts.webhooks.tokenEnv", w.tokenEnv ?? "");
  const shapes = { slack: slackPayload, discord: discordPayload, teams: teamsPayload, json: jsonPayload };
  // Chatwork's API takes a form (body=...) with the token in a header; the others take JSON.
  const request = (m: AlertMessage, t: Translator): { headers: Record<string, string>; body: string } =>
    w.format === "chatwork"
      ? {
          headers: {
            "content-type": "application/x-www-form-urlencoded; charset=utf-8",
            "x-chatworktoken": token ?? "",
          },
          body: new URLSearchParams({ body: chatworkBody(m, t), self_unread: "0" }).toString(),
        }
      : {
          headers: { "content-type": "application/json; charset=utf-8" },
          // The findings' evidence is the host's text: bidi and C1 controls as \uXXXX, still the same JSON.
          body: jsonSafe(JSON.stringify(shapes[w.format](m, t))),
        };
  return {
    name: w.name ?? `webhook:${w.format}`,
    target: redactUrl(url),
    secrets: [url, new URL(url).pathname, new URL(url).search, token ?? ""].filter((s) => s.length > 4),
    async send(m, t, timeoutMs) {
      const { headers, body } = request(m, t);
      const res = await fetch(url, {
        method: "POST",
        headers: { ...headers, "user-agent": "mamori" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
      // The answer is not needed (its text may echo the URL): cancelled unread, which releases the
      // connection without buffering whatever an endpoint chooses to send back.
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    },
  };
}

export function emailChannel(e: EmailConfig, env: NodeJS.ProcessEnv): Channel {
  const password = e.password ?? env[e.passwordEnv];
  const ca = e.caFile ? fs.readFileSync(e.caFile) : undefined;
  return {
    name: "email",
    target: `smtp://${e.host}:${e.port} -> ${e.to.join(", ")}`,
    secrets: password ? [password] : [],
    async send(m, t, timeoutMs) {
      const transport = nodemailer.createTransport({
        host: e.host,
        port: e.port,
        secure: e.security === "tls",
        requireTLS: e.security === "starttls",
        ignoreTLS: e.security === "none",
        auth: e.user ? { user: e.user, pass: password ?? "" } : undefined,
        tls: {
          rejectUnauthorized: e.rejectUnauthorized,
          ...(ca ? { ca } : {}),
          ...(net.isIP(e.host) ? {} : { servername: e.host }),
        },
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        logger: false,
        debug: false,
      });
      try {
        const { subject, text } = emailText(m, t);
        await transport.sendMail({
          from: e.from,
          to: e.to,
          subject,
          text,
          textEncoding: "base64",
          headers: { "X-Mamori-Kind": m.kind },
        });
      } finally {
        transport.close();
      }
    },
  };
}
