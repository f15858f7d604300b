import { cutSpacedComment } from "../../core/cut.ts";
import type { BindSetting } from "../../facts/exposure.ts";
import type { BindSource, ServiceRule } from "../../rules/exposure/services.ts";
import type { RootFs } from "../rootfs.ts";

export type { BindSetting };

const MAX_CONFIG_BYTES = 1024 * 1024;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The regex for a directive's lines. The value is what follows the separator's white space, so it
 * starts with a non-space (`(?:\S.*)?`): a run of white space before a line break then costs one
 * pass, not one per split (issue 10). Same values as `\s*(.*)$`.
 */
export function directiveRegex(src: Pick<BindSource, "directive" | "syntax">): RegExp {
  const d = escapeRe(src.directive);
  switch (src.syntax) {
    case "keyword":
      return new RegExp(`^${d}\\s+((?:\\S.*)?)$`, "i");
    case "assign":
      return new RegExp(`^${d}\\s*=\\s*((?:\\S.*)?)$`, "i");
    case "yaml":
      return new RegExp(`^${d}\\s*:\\s*((?:\\S.*)?)$`);
    case "flag":
      return new RegExp(`^${d}(?:\\s+|=)(\\S.*)$`);
    case "json":
      return new RegExp(`^"${d}"\\s*:\\s*((?:\\S.*)?)$`);
  }
}

/** The value a line sets for the directive, or undefined when the line does not set it. */
export function matchDirective(
  line: string,
  src: Pick<BindSource, "directive" | "syntax">,
): string | undefined {
  const t = line.trim();
  if (t === "" || t.startsWith("#") || t.startsWith(";") || t.startsWith("//")) return undefined;
  const m = directiveRegex(src).exec(t);
  if (!m) return undefined;
  return cutSpacedComment(m[1] ?? "").trim();
}

/** Reads the configuration files each rule names and finds the lines that set its bind address. */
export function readBindSettings(
  fs: RootFs,
  rules: ServiceRule[],
  /** Files named on running services' command lines, by rule id (read first: they are what runs). */
  fromArgv: Map<string, string[]> = new Map(),
): BindSetting[] {
  const out: BindSetting[] = [];
  for (const rule of rules) {
    for (const src of rule.bind) {
      const files = [...new Set([...(fromArgv.get(rule.id) ?? []), ...src.files.flatMap((g) => fs.glob(g))])];
      let found = false;
      const existing: string[] = [];
      for (const file of files) {
        const text = fs.tryReadText(file, { maxBytes: MAX_CONFIG_BYTES });
        if (text === undefined) continue;
        existing.push(file);
        text.split("\n").forEach((line, i) => {
          const value = matchDirective(line, src);
          if (value === undefined || (src.match && !src.match.test(value))) return;
          found = true;
          out.push({
            service: rule.id,
            directive: src.directive,
            file,
            line: i + 1,
            value,
            text: line.trim().slice(0, 300),
            safe: src.safe,
          });
        });
      }
      // "Add this line" only where appending a line is valid: not JSON, not a unit's ExecStart (match).
      if (!found && existing[0] && !src.match && src.syntax !== "json")
        out.push({ service: rule.id, directive: src.directive, file: existing[0], safe: src.safe });
    }
  }
  return out;
}
