import * as fs from "node:fs";
import type { Command } from "commander";
import type { Translator } from "../i18n/index.ts";
import { UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";

/** sd-daemon(3) priorities: a line that starts with `<3>` is logged by journald as an error, and so on. */
export const PRIORITY = { error: 3, warning: 4, info: 6 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

/** The commands with `--log-format text|journald` (logs has its own --log-format: the access log's). */
export const JOURNALD_COMMANDS = new Set(["watch", "audit"]);

/** `--log-format text|journald` of watch and audit (app.ts acts on it before the command runs). */
export function addLogFormatOption(cmd: Command): Command {
  return cmd.option(
    "--log-format <format>",
    "messages on standard error: text|journald (default journald when standard error is the journal)",
  );
}

/** A --log-format other than text or journald is a usage error. */
export function checkLogFormat(value: string | undefined, t: Translator): void {
  if (value !== undefined && value !== "text" && value !== "journald")
    throw new UsageError(t("cli.badOption", { option: "--log-format", value, expected: "text|journald" }));
}

/** Writes `text` at a priority: through the journal stream's own method, else as is. */
export function writeAt(stream: CliIo["stderr"], priority: Priority, text: string): void {
  if (stream.writeAt) stream.writeAt(priority, text);
  else stream.write(text);
}

/** `--log-format VALUE` or `--log-format=VALUE` of a command line, when given. */
export function logFormatArg(argv: string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") break;
    if (a === "--log-format") value = argv[i + 1];
    else if (a.startsWith("--log-format=")) value = a.slice("--log-format=".length);
  }
  return value;
}

/**
 * Whether the stream on `fd` is the journal: systemd sets JOURNAL_STREAM to "DEV:INODE" of the socket it
 * connected standard output and error to (systemd.exec(5)); a process whose stderr was redirected
 * elsewhere since (a shell in the unit) still has the variable but another file, so both must match.
 */
export function isJournalStream(env: NodeJS.ProcessEnv, fd: number | undefined): boolean {
  const want = env.JOURNAL_STREAM;
  if (fd === undefined || !want || !/^\d{1,20}:\d{1,20}$/.test(want)) return false;
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    return want === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}

/**
 * Whether this run writes for journald: `--log-format journald` (watch, audit), else standard error is
 * the journal; `--log-format text` turns it off. Other values are left to the command to refuse.
 */
export function journaldWanted(argv: string[], io: CliIo): boolean {
  const command = argv[0];
  const asked = command !== undefined && JOURNALD_COMMANDS.has(command) ? logFormatArg(argv) : undefined;
  if (asked === "journald") return true;
  if (asked === "text") return false;
  return isJournalStream(io.env, io.stderrFd);
}

// CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \) and any other ESC pair or control byte: linear.
const ESCAPES =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[\s\S]?|[\x00-\x08\x0b-\x1f\x7f]/g;

/** One line as journald should store it: no colour or other escape sequence, no control character. */
export function plainLine(line: string): string {
  return line.replace(ESCAPES, "");
}

/**
 * A stream for journald: every line its own message with a priority prefix, no escape sequences. Plain
 * writes are informational, except mamori's own warning lines ("mamori: ..."), which are warnings; errors
 * are written with writeAt(PRIORITY.error).
 */
export function journalStream(out: { write(s: string): unknown }): CliIo["stderr"] {
  const emit = (priority: Priority | undefined, text: string) => {
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    let chunk = "";
    for (const raw of lines) {
      const line = plainLine(raw);
      if (line.trim() === "") continue;
      const p = priority ?? (line.startsWith("mamori: ") ? PRIORITY.warning : PRIORITY.info);
      chunk += `<${p}>${line}\n`;
    }
    if (chunk) out.write(chunk);
    return true;
  };
  return {
    isTTY: false,
    write: (s: string) => emit(undefined, String(s)),
    writeAt: (p: Priority, s: string) => emit(p, s),
  };
}

/**
 * The io of a journald run: standard error as journal messages; standard output neither a terminal (no
 * colour, no wrapping) nor, when it is the journal too, anything but prefixed lines.
 */
export function journalIo(io: CliIo): CliIo {
  const stdoutIsJournal = isJournalStream(io.env, io.stdoutFd);
  return {
    ...io,
    stderr: journalStream(io.stderr),
    stdout: stdoutIsJournal ? journalStream(io.stdout) : { write: (s) => io.stdout.write(s), isTTY: false },
  };
}
