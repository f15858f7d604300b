import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { Command } from "commander";
import { CLEAN_ENV } from "../../collect/apache/live.ts";
import { trustedPath } from "../../collect/apache/trust.ts";
import { escapeTerminal as esc, jsonOutput } from "../../report/escape.ts";
import { validateSchedule } from "../../watch/loop.ts";
import {
  detectKind,
  removeScheduleFile,
  ScheduleError,
  type ScheduleKind,
  ScheduleRefused,
  scheduledExecutable,
  scheduleFileStates,
  scheduleFiles,
  writeScheduleFile,
} from "../../watch/schedule-files.ts";
import { EXIT_ERROR, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { existingRoot } from "../options.ts";
import { addHistoryOptions, parseHistoryOptions } from "../watch-options.ts";

const ENABLE = "systemctl daemon-reload && systemctl enable --now mamori.timer";
const DISABLE = "systemctl disable --now mamori.timer";
/** The same steps as argument lists: run one by one, never through a shell. */
const ENABLE_STEPS = [["daemon-reload"], ["enable", "--now", "mamori.timer"]];
const DISABLE_STEPS = [["disable", "--now", "mamori.timer"]];
const RELOAD_STEPS = [["daemon-reload"]];

/**
 * systemctl as root: only from a fixed place root alone can change, with a clean environment. A shell or
 * a systemctl found through the caller's PATH (a directory another user can write, early in it) would
 * run their program as root, as an `rpm` first on the PATH once did (docs/THREAT_MODEL.md).
 */
function trustedSystemctl(): string | undefined {
  for (const p of ["/usr/bin/systemctl", "/bin/systemctl"]) {
    const r = trustedPath(p, "file");
    if (r.ok) return r.real;
  }
  return undefined;
}

function mamoriBin(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../bin/mamori");
}

export function registerSchedule(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("schedule")
    .argument("<action>", "install | remove | status")
    .description(
      "install, remove or show a systemd timer (or /etc/cron.d file where systemd is absent) that runs `mamori watch --once` periodically",
    );
  addHistoryOptions(cmd)
    .option("--root <dir>", "install under DIR instead of / (a mounted image, or a test directory)", "/")
    .option(
      "--schedule <cron>",
      'when, in five-field cron syntax (default from the config, else "*/15 * * * *")',
    )
    .option("--kind <kind>", "systemd|cron (default: systemd when the root has it)")
    .option("--now", "also run systemctl (daemon-reload, enable/disable --now); only on this machine's root")
    .action(async (action: string, raw) => {
      const o = parseHistoryOptions(raw, io);
      const t = o.t;
      const root = existingRoot(io.cwd, raw.root, t);
      if (!["install", "remove", "status"].includes(action))
        throw new UsageError(
          t("cli.badOption", { option: "action", value: action, expected: "install|remove|status" }),
        );
      if (raw.now && root !== "/") throw new UsageError(t("watch.schedule.nowNotLive"));
      const kind: ScheduleKind = raw.kind ?? detectKind(root);
      if (kind !== "systemd" && kind !== "cron")
        throw new UsageError(t("cli.badOption", { option: "--kind", value: kind, expected: "systemd|cron" }));
      const out = (s: string) => io.stdout.write(`${s}\n`);
      const refusal = (file: string, reason: ScheduleRefused["reason"]) =>
        reason === "not-ours"
          ? t("watch.schedule.notOurs", { file })
          : t(`watch.schedule.refused.${reason}`, { file, root: esc(root) });
      // Our paths under the root, looked at without following a link inside it: a link there (an image's
      // `etc -> /etc`) is said and left alone, never read or removed as the image's file.
      const states = scheduleFileStates(root);
      const refused = states.flatMap((f) =>
        f.state.kind === "refused" ? [{ path: f.path, reason: f.state.reason }] : [],
      );
      const sayRefused = () => {
        for (const r of refused) io.stderr.write(`${refusal(r.path, r.reason)}\n`);
      };
      const run = (command: string, steps: string[][]) => {
        const bin = trustedSystemctl();
        if (!bin) throw new UsageError(t("watch.schedule.noSystemctl", { command }));
        for (const args of steps) {
          const r = spawnSync(bin, args, {
            encoding: "utf8",
            env: { ...CLEAN_ENV },
            cwd: "/",
            timeout: 60_000,
          });
          if (r.status !== 0)
            throw new UsageError(
              t("watch.schedule.commandFailed", {
                command: `systemctl ${args.join(" ")}`,
                reason: (r.stderr || r.error?.message || String(r.status)).trim().slice(0, 500),
              }),
            );
        }
        out(t("watch.schedule.ran", { command }));
      };

      const ours = states.filter((f) => f.state.kind === "ours").map((f) => f.path);
      if (action === "status") {
        const files = ours;
        sayRefused();
        if (o.format === "json") out(jsonOutput({ root, installed: files, refused }).trimEnd());
        else if (files.length === 0) out(t("watch.schedule.nothing", { root: esc(root) }));
        else
          out(
            t("watch.schedule.status", {
              kind: files.some((f) => f.endsWith(".timer")) ? "systemd" : "cron",
              files: files.join(", "),
            }),
          );
        done(EXIT_OK);
        return;
      }

      if (action === "remove") {
        sayRefused();
        const files = ours;
        if (files.length === 0) {
          out(t("watch.schedule.nothing", { root: esc(root) }));
          done(refused.length > 0 ? EXIT_ERROR : EXIT_OK);
          return;
        }
        const systemd = files.some((f) => f.startsWith("/etc/systemd/"));
        if (systemd && raw.now) run(DISABLE, DISABLE_STEPS);
        const removed: string[] = [];
        for (const f of files) {
          // Read again and unlinked through the same verified directory, only if still the file read.
          const s = removeScheduleFile(root, f);
          if (s.kind === "ours") removed.push(f);
          else if (s.kind === "refused") {
            refused.push({ path: f, reason: s.reason });
            io.stderr.write(`${refusal(f, s.reason)}\n`);
          }
        }
        if (removed.length > 0) out(t("watch.schedule.removed", { files: removed.join(", ") }));
        if (systemd) {
          if (raw.now) run("systemctl daemon-reload", RELOAD_STEPS);
          else out(t("watch.schedule.removeHint", { command: `${DISABLE}; systemctl daemon-reload` }));
        }
        done(refused.length > 0 ? EXIT_ERROR : EXIT_OK);
        return;
      }

      const schedule: string = raw.schedule ?? o.config.schedule;
      try {
        validateSchedule(schedule);
      } catch (err) {
        throw new UsageError(t("watch.badSchedule", { schedule, reason: (err as Error).message }));
      }
      const exe = scheduledExecutable(root, mamoriBin());
      if (exe.fromCheckout) io.stderr.write(`${t("watch.schedule.fromCheckout", { path: esc(exe.path) })}\n`);
      const command = [exe.path, "watch", "--once"];
      if (raw.config) command.push("--config", path.resolve(io.cwd, raw.config));
      if (raw.db) command.push("--db", o.store.target);
      if (raw.lang) command.push("--lang", o.lang);
      // One message a line with its priority: the unit's output goes to the journal, cron's to logger -p.
      command.push("--log-format", "journald");
      let files: ReturnType<typeof scheduleFiles>;
      try {
        const writable = raw.db && !/^postgres/.test(o.store.target) ? [path.dirname(o.store.target)] : [];
        files = scheduleFiles(kind, schedule, command, writable);
      } catch (err) {
        if (err instanceof ScheduleError)
          throw new UsageError(t("watch.badSchedule", { schedule, reason: t(err.key, err.params) }));
        throw err;
      }
      for (const f of files) {
        const s = states.find((x) => x.path === f.path)?.state;
        if (s?.kind === "other") throw new UsageError(refusal(f.path, "not-ours"));
        if (s?.kind === "refused") throw new UsageError(refusal(f.path, s.reason));
      }
      for (const f of files) {
        try {
          // Unit and cron files are read by systemd/cron as root: 0644, through the verified parent, no link followed.
          writeScheduleFile(root, f);
        } catch (err) {
          if (err instanceof ScheduleRefused) throw new UsageError(refusal(err.file, err.reason));
          throw err;
        }
      }
      for (const f of files) out(`==> ${f.path}\n${f.content}`);
      if (kind === "systemd") {
        out(t("watch.schedule.installed", { files: files.map((f) => f.path).join(", ") }));
        if (raw.now) run(ENABLE, ENABLE_STEPS);
        else out(`  ${ENABLE}`);
      } else out(t("watch.schedule.installedCron", { files: files.map((f) => f.path).join(", ") }));
      done(EXIT_OK);
    });
}
