import type { Command } from "commander";

/** The options `audit` (and later `watch`) takes to send its report to a fleet server (no heavy imports). */
export function addPushOptions(cmd: Command): Command {
  return cmd
    .option(
      "--push <url>",
      "also send the report to a mamori server (https://HOST:PORT), enrolling on first use",
    )
    .option("--token <token>", "one-time enrollment token for --push (from 'mamori server token')")
    .option("--server-fingerprint <sha256>", "SHA-256 fingerprint the server's certificate must have")
    .option(
      "--tls-client-cert <file>",
      "client certificate (PEM) for --push, when the server requires one (mamori server --tls-client-ca)",
    )
    .option("--tls-client-key <file>", "private key (PEM) of --tls-client-cert");
}
