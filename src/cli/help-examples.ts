import type { Command } from "commander";
import type { Translator } from "../i18n/index.ts";

/**
 * Command lines shown under "Examples:" ("例:") in each command's `--help`, in both languages (a command
 * line is the same in both). Keyed by the command's path: "db update" for `mamori db update`.
 * test/cli/help.test.ts checks that every command and subcommand has two or three.
 */
export const EXAMPLES: Record<string, readonly string[]> = {
  audit: [
    "mamori audit",
    "mamori audit --severity-threshold high --format json --output /tmp/report.json",
    "mamori audit --root /mnt/image --lang ja",
  ],
  collect: ["mamori collect --output facts.json", "mamori collect --script > collect.sh"],
  check: ["mamori check facts.json", "mamori check --format sarif --output check.sarif facts.json"],
  db: ["mamori db status", "mamori db update", "mamori db fetch --to /media/usb/feeds"],
  "db status": ["mamori db status", "mamori db status --lang ja"],
  "db update": [
    "mamori db update",
    "mamori db update --feed kev,apache",
    "mamori db update --from /media/usb/feeds",
  ],
  "db fetch": ["mamori db fetch --to /media/usb/feeds", "mamori db fetch --to feeds --feed all"],
  report: [
    "mamori report --format html --output report.html report.json",
    "mamori report --format markdown - < report.json",
  ],
  respond: [
    "mamori respond report.json --all-critical",
    "mamori respond report.json --all-critical --apply",
    "mamori respond --db /var/lib/mamori/history.db --finding F1 --apply",
  ],
  restore: ["mamori restore --list", "mamori restore 20260101T000000-1"],
  verify: ["mamori verify", "mamori verify --format json"],
  ports: ["mamori ports", "mamori ports --format json"],
  probe: [
    "mamori probe https://www.example.com",
    "mamori probe --targets urls.txt --rate 2",
    "mamori probe --confirm-read http://127.0.0.1:8080",
  ],
  history: ["mamori history", "mamori history --limit 5 --format json"],
  diff: ["mamori diff", "mamori diff 3f2a 9c1b --severity-threshold high"],
  watch: ["mamori watch", "mamori watch --once", "mamori watch --accept-baseline --once"],
  schedule: ["mamori schedule install --now", "mamori schedule status", "mamori schedule remove --now"],
  logs: [
    "mamori logs",
    "mamori logs /var/log/apache2/access.log /var/log/apache2/error.log",
    "mamori logs --blocklist crowdsec --output ban.csv /var/log/apache2",
  ],
  hunt: ["mamori hunt", "mamori hunt --allowlist /etc/mamori/allowlist.yaml --format json"],
  server: [
    "mamori server --data /var/lib/mamori-server --listen 0.0.0.0:8443",
    "mamori server --data /var/lib/mamori-server token",
    "mamori audit --push https://fleet.example.com:8443 --token TOKEN",
  ],
  "server db-update": ["mamori server --data /var/lib/mamori-server db-update"],
  "server token": [
    "mamori server --data /var/lib/mamori-server token",
    "mamori server --data /var/lib/mamori-server token --ttl 2",
  ],
  "server api-key": ["mamori server --data /var/lib/mamori-server api-key"],
  "server user": ["mamori server --data /var/lib/mamori-server user add alice --role viewer < password.txt"],
  "server user add": [
    "mamori server --data /var/lib/mamori-server user add alice --role admin < password.txt",
    "mamori server --data /var/lib/mamori-server user add bob --role viewer < password.txt",
  ],
  "server revoke": ["mamori server --data /var/lib/mamori-server revoke HOST-ID"],
  "server pull": [
    "mamori server --data /var/lib/mamori-server pull add ssh://root@web3.example",
    "mamori server --data /var/lib/mamori-server pull list",
  ],
  "server pull add": [
    "mamori server --data /var/lib/mamori-server pull add ssh://root@web3.example",
    "mamori server --data /var/lib/mamori-server pull add ssh://mamori@web4.example:2222 --sudo --cron '0 3 * * *'",
  ],
  "server pull list": ["mamori server --data /var/lib/mamori-server pull list"],
  "server pull remove": ["mamori server --data /var/lib/mamori-server pull remove ssh://root@web3.example"],
  "server pull key": ["mamori server --data /var/lib/mamori-server pull key"],
  iocs: ["mamori iocs status", "mamori iocs update"],
  "iocs update": ["mamori iocs update", "mamori iocs update --from https://example.com/list.txt --kind pool"],
  "iocs status": ["mamori iocs status", "mamori iocs status --lang ja"],
};

/**
 * Under each loaded command's and subcommand's help: its examples, and under a command's the exit codes
 * (the table of `mamori --help`, the same in the README).
 */
export function addHelpExtras(commands: readonly Command[], t: Translator, at: string[] = []): void {
  for (const cmd of commands) {
    const where = [...at, cmd.name()];
    const lines = EXAMPLES[where.join(" ")] ?? [];
    const examples =
      lines.length > 0 ? `${t("help.examples")}\n${lines.map((l) => `  ${l}`).join("\n")}\n` : "";
    cmd.addHelpText("after", at.length === 0 ? `${examples}${t("cli.exitCodes")}` : examples);
    addHelpExtras(cmd.commands, t, where);
  }
}
