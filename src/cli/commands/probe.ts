import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import { countVulnerable, probeReport } from "../../audit/probe.ts";
import { localHost } from "../../audit/report.ts";
import { DEFAULT_CONFIG_PATH } from "../../config/load.ts";
import { translator } from "../../i18n/index.ts";
import { HostRateLimiter } from "../../probe/limits.ts";
import { probeAll } from "../../probe/run.ts";
import { parseTargetsFile } from "../../probe/targets.ts";
import { DEFAULT_READ_FILE, type ProbeOptions } from "../../probe/types.ts";
import { FORMAT_NAMES, type FormatName, RENDERERS } from "../../report/formats/index.ts";
import { resolveTimeZone } from "../../report/time-format.ts";
import { runConfigOf } from "../config-options.ts";
import { writeOutput } from "../emit.ts";
import { EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { terminalWidth } from "../options.ts";

const MAX_TARGETS_FILE_BYTES = 4 * 1024 * 1024;

interface RawProbe {
  targets?: string;
  path: string[];
  timeout: string;
  maxBytes: string;
  rate: string;
  concurrency: string;
  maxRedirects: string;
  followOtherHosts?: boolean;
  insecure?: boolean;
  confirmRead?: boolean;
  readFile?: string;
  depth: string;
  format: string;
  output?: string;
  lang?: string;
  config?: string;
  color: string;
}

/** `mamori probe URL...`: a safe remote self-check of servers the operator owns. */
export function registerProbe(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("probe")
    .argument("[url...]", "http(s) URLs of servers you own (a bare host[:port] means http)")
    .description(
      "check your own web servers from outside, without harming them: banner, CVE-2021-41773/42013 path traversal " +
        "(missing files only; no file read unless --confirm-read, never command execution), TRACE, directory listing, " +
        "/server-status, /server-info, .git/ and .env. Only probe servers you own or are allowed to test; " +
        "requests go only to the hosts you name.",
    )
    .option("--targets <file>", "read more URLs from FILE, one per line (# comments)")
    .option(
      "--path <prefix>",
      "also send traversal requests through this Alias/ScriptAlias prefix (repeatable)",
      collect,
      [],
    )
    .option("--timeout <seconds>", "per-request deadline", "10")
    .option("--max-bytes <n>", "read at most N bytes of each response body", "262144")
    .option("--rate <n>", "at most N requests per second to each host", "5")
    .option("--concurrency <n>", "probe at most N targets at once", "4")
    .option("--max-redirects <n>", "follow at most N redirects of the first request (same host only)", "5")
    .option("--follow-other-hosts", "also follow redirects to other hosts (they then receive requests too)")
    .option("--insecure", "do not verify TLS certificates (your own self-signed servers)")
    .option(
      "--confirm-read",
      `when a traversal looks vulnerable, read one harmless file through it to confirm (default ${DEFAULT_READ_FILE}); never through a script alias`,
    )
    .option("--read-file <path>", "the file --confirm-read reads instead (its content is never shown)")
    .option("--format <format>", `output format: ${FORMAT_NAMES.join("|")}`, "human")
    .option("--output <file>", "write the report to FILE instead of standard output")
    .option("--lang <lang>", "language of the report: ja|en (default from LANG)")
    .option("--color <when>", "colour: auto|always|never (NO_COLOR is honoured)", "auto")
    .option("--config <file>", `configuration file (default ${DEFAULT_CONFIG_PATH} when it exists)`)
    .addOption(new Option("--depth <n>", "../ segments in traversal requests").default("12").hideHelp())
    .action(async (urls: string[], raw: RawProbe) => {
      // --lang, else the configuration file's lang, else LANG.
      const { lang } = runConfigOf(raw, io);
      const t = translator(lang);
      const bad = (option: string, value: string, expected: string) =>
        new UsageError(t("cli.badOption", { option, value, expected }));
      const num = (option: string, value: string, min: number, max: number) => {
        const n = Number(value);
        if (!Number.isFinite(n) || n < min || n > max) throw bad(option, value, `${min}..${max}`);
        return n;
      };
      if (!(FORMAT_NAMES as string[]).includes(raw.format))
        throw bad("--format", raw.format, FORMAT_NAMES.join("|"));
      if (!["auto", "always", "never"].includes(raw.color))
        throw bad("--color", raw.color, "auto|always|never");
      const opts: ProbeOptions = {
        paths: raw.path.map((p) => {
          if (!/^\/[\x21-\x7e]*$/.test(p) || p.includes("?") || p.includes("#"))
            throw bad("--path", p, "/prefix/");
          return p.endsWith("/") ? p : `${p}/`;
        }),
        timeoutMs: num("--timeout", raw.timeout, 0.05, 300) * 1000,
        maxBytes: Math.floor(num("--max-bytes", raw.maxBytes, 1024, 64 * 1024 * 1024)),
        rate: num("--rate", raw.rate, 0.1, 1000),
        concurrency: Math.floor(num("--concurrency", raw.concurrency, 1, 64)),
        maxRedirects: Math.floor(num("--max-redirects", raw.maxRedirects, 0, 20)),
        crossHostRedirects: Boolean(raw.followOtherHosts),
        insecure: Boolean(raw.insecure),
        confirmRead: Boolean(raw.confirmRead),
        readFile: raw.readFile,
        depth: Math.floor(num("--depth", raw.depth, 2, 32)),
      };
      if (raw.readFile !== undefined && (!raw.readFile.startsWith("/") || /[\s?#%]/.test(raw.readFile)))
        throw bad("--read-file", raw.readFile, "an absolute path without spaces, ?, # or %");
      const inputs = [...urls];
      if (raw.targets !== undefined) {
        const file = path.resolve(io.cwd, raw.targets);
        let text: string;
        try {
          // Non-blocking and a regular file only: a FIFO named here is an error, not a hang.
          const fd = fs.openSync(
            file,
            fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY,
          );
          try {
            if (!fs.fstatSync(fd).isFile())
              throw Object.assign(new Error("not a regular file"), { code: "ENOTREG" });
            const buf = Buffer.alloc(MAX_TARGETS_FILE_BYTES);
            const n = fs.readSync(fd, buf, 0, buf.length, 0);
            text = buf.subarray(0, n).toString("utf8");
          } finally {
            fs.closeSync(fd);
          }
        } catch (err) {
          throw new UsageError(
            t("exposure.probe.usage.targetsFile", {
              path: file,
              reason: (err as NodeJS.ErrnoException).code ?? String(err),
            }),
          );
        }
        inputs.push(...parseTargetsFile(text));
      }
      if (inputs.length === 0) throw new UsageError(t("exposure.probe.usage.noTargets"));
      const targets = await probeAll(inputs, opts, new HostRateLimiter(opts.rate), t);
      const doc = probeReport({
        targets,
        at: (io.now ?? (() => new Date()))(),
        lang,
        host: localHost(),
      });
      const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
      const color =
        raw.color === "always" ||
        (raw.color === "auto" && !noColor && !raw.output && Boolean(io.stdout.isTTY));
      const text = RENDERERS[raw.format as FormatName].render(doc, {
        lang,
        t,
        color,
        threshold: "info",
        width: raw.output ? undefined : terminalWidth(io),
        timeZone: resolveTimeZone(io.env),
      });
      writeOutput(text, raw.output ? path.resolve(io.cwd, raw.output) : undefined, io, t);
      // A target that could not be reached is an unanswered question (exit 3), never a clean result (0).
      const unreachable = targets.filter((x) => x.error !== undefined).length;
      if (unreachable > 0) io.stderr.write(`${t("probe.unreachable", { count: unreachable })}\n`);
      done(countVulnerable(doc) > 0 ? EXIT_FINDINGS : unreachable > 0 ? EXIT_INCOMPLETE : EXIT_OK);
    });
  void cmd;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
