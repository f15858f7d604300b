import type { MessageKey, Translator } from "../i18n/index.ts";
import { escapeTerminal } from "../report/escape.ts";

/** commander's English error lines and the dictionary sentence for each; captures become the params. */
const PATTERNS: Array<[RegExp, MessageKey, string[]]> = [
  [/^unknown option '(.*)'$/s, "cli.unknownOption", ["option"]],
  [/^unknown command '(.*)'$/s, "cli.unknownCommand", ["command"]],
  [/^missing required argument '(.*)'$/s, "cli.missingArgument", ["name"]],
  [/^option '(.*)' argument missing$/s, "cli.optionValueMissing", ["option"]],
  [
    /^too many arguments(?: for '.*')?\. Expected (\d+) arguments? but got (\d+)\.$/s,
    "cli.tooManyArguments",
    ["expected", "got"],
  ],
];

/**
 * commander's own error lines ("error: unknown option '--x'") in the user's language, with what the
 * user typed escaped: it is echoed back and may hold escape sequences. A message this does not know
 * stays in English, escaped.
 */
export function commanderError(message: string, t: Translator): string {
  const [first = "", ...rest] = message.trim().split("\n");
  const line = first.replace(/^error: /, "");
  const hint = rest.join(" ").match(/^\(Did you mean (?:one of )?(.+)\?\)$/)?.[1];
  const suggestion = hint ? ` ${t("cli.didYouMean", { names: escapeTerminal(hint) })}` : "";
  let text = (hint ? [line] : [line, ...rest]).map(escapeTerminal).join(" ");
  for (const [re, key, names] of PATTERNS) {
    const m = line.match(re);
    if (!m) continue;
    text = t(key, Object.fromEntries(names.map((n, i) => [n, escapeTerminal(m[i + 1] ?? "")])));
    break;
  }
  return `mamori: ${text}${suggestion}\n`;
}
