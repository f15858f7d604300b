import { type Command, Help, type Option } from "commander";
import { isMessageKey, type Lang, type Translator } from "../i18n/index.ts";
import { textWidth } from "../report/text-width.ts";
import { wrapLine } from "../report/wrap.ts";

/** The commands whose options --help lists in Japanese; the others keep English option text for now. */
const OPTIONS_IN_JAPANESE = new Set(["audit"]);

/**
 * `--help` in the reader's language: in Japanese the program's and every command's summary, the
 * options of `audit`, commander's own headings and notes, with wrapping by display width (a kanji is
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
  const config = {
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
  for (const cmd of program.commands) {
    cmd.configureHelp(config);
    cmd.helpOption("-h, --help", t("help.helpOption"));
    const key = `help.cmd.${cmd.name()}`;
    if (isMessageKey(key)) cmd.description(t(key, { formats: "" }));
    if (!OPTIONS_IN_JAPANESE.has(cmd.name())) continue;
    for (const a of cmd.registeredArguments) {
      const akey = `help.arg.${cmd.name()}.${a.name()}`;
      if (isMessageKey(akey)) a.description = t(akey);
    }
    for (const o of cmd.options) {
      const okey = `help.opt.${(o.long ?? "").replace(/^--/, "")}`;
      if (!isMessageKey(okey)) continue;
      const formats = /: ([a-z|]+)/.exec(o.description)?.[1] ?? "";
      o.description = t(okey, { formats });
    }
  }
}
