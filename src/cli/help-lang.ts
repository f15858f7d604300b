import { type Command, Help, type Option } from "commander";
import { isMessageKey, type Lang, type MessageKey, type Translator } from "../i18n/index.ts";
import { textWidth } from "../report/text-width.ts";
import { wrapLine } from "../report/wrap.ts";

type HelpConfig = Partial<Help>;

/**
 * `--help` in the reader's language: in Japanese the program's, every command's and subcommand's
 * summary, arguments and options, commander's own headings and notes, with wrapping by display width (a kanji is
 * two columns) and line breaks between Japanese characters. English help is left as commander makes it.
 */
export function localizeHelp(program: Command, t: Translator, lang: Lang): void {
  if (lang !== "ja") return;
  const titles: Record<string, string> = {
    "Usage:": t("help.usage"),
    "Options:": t("help.options"),
    "Commands:": t("help.commands"),
    "Arguments:": t("help.arguments"),
  };
  const words = (s: string) => s.replace("[options]", "[オプション]").replace("[command]", "[コマンド]");
  const config: HelpConfig = {
    styleTitle: (s: string) => titles[s] ?? s,
    styleUsage: words,
    styleSubcommandTerm: words,
    displayWidth: (s: string) => textWidth(s),
    boxWrap: (s: string, width: number) =>
      width < 40
        ? s
        : s
            .split("\n")
            .flatMap((l) => wrapLine(l, width, 0))
            .join("\n"),
    optionDescription(this: Help, option: Option) {
      const text = Help.prototype.optionDescription.call(this, option);
      // Commander ends the text with "(default: VALUE)"; found by position, not by a regex scanned from each "(".
      const at = text.lastIndexOf("(default: ");
      if (at < 0 || !text.endsWith(")") || text.indexOf(")", at) !== text.length - 1) return text;
      return `${text.slice(0, at)}(${t("help.default", { value: text.slice(at + 10, -1) })})`;
    },
  };
  program.description(t("help.program"));
  // Keep what registerAll set (each unloaded command's term with its arguments).
  program.configureHelp({ ...program.configureHelp(), ...config });
  program.helpOption("-h, --help", t("help.helpOption"));
  program.helpCommand("help [command]", t("help.helpCommand"));
  const version = program.options.find((o) => o.long === "--version");
  if (version) version.description = t("help.versionOption");
  for (const cmd of program.commands) localizeCommand(cmd, [cmd.name()], t, config);
}

/** One command and its subcommands: summary `help.cmd.PATH`, arguments, options (help.ts names the keys). */
function localizeCommand(cmd: Command, at: string[], t: Translator, config: HelpConfig): void {
  const where = at.join(".");
  cmd.configureHelp(config);
  cmd.helpOption("-h, --help", t("help.helpOption"));
  if (cmd.commands.length > 0) cmd.helpCommand("help [command]", t("help.helpCommand"));
  const key = `help.cmd.${where}`;
  if (isMessageKey(key)) cmd.description(t(key, { formats: "" }));
  for (const a of cmd.registeredArguments) {
    const akey = `help.arg.${where}.${a.name()}`;
    if (isMessageKey(akey)) a.description = t(akey);
  }
  for (const o of cmd.options) {
    const long = (o.long ?? "").replace(/^--/, "");
    const okey = [`help.opt.${where}.${long}`, `help.opt.${long}`].find((k): k is MessageKey =>
      isMessageKey(k),
    );
    if (okey === undefined) continue;
    const formats = /: ([a-z|]+)/.exec(o.description)?.[1] ?? "";
    o.description = t(okey, { formats });
  }
  for (const sub of cmd.commands) localizeCommand(sub, [...at, sub.name()], t, config);
}
