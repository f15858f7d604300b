import type { ReportDocument } from "../../core/document.ts";
import { renderLogsStory } from "../logs-story.ts";
import { probeHuman, probeMarkdown } from "../probe/index.ts";
import type { RenderOptions } from "../types.ts";
import { diffHuman, diffMarkdown } from "./diff.ts";
import { historyHuman, historyMarkdown } from "./history.ts";

type View = (doc: ReportDocument, opts: RenderOptions) => string;

/**
 * The reading views of commands whose report is not a checkup: the human and Markdown renderers use
 * these for a report of that command (by `command`), the other formats are the same for every command.
 * Each view reads only its own section; a report without it falls back to the checkup's view.
 */
const VIEWS: Record<string, { section: keyof ReportDocument["sections"]; human?: View; markdown?: View }> = {
  logs: { section: "logs", human: renderLogsStory },
  probe: { section: "probe", human: probeHuman, markdown: probeMarkdown },
  diff: { section: "diff", human: diffHuman, markdown: diffMarkdown },
  history: { section: "history", human: historyHuman, markdown: historyMarkdown },
};

export function commandView(doc: ReportDocument, format: "human" | "markdown"): View | undefined {
  const v = Object.hasOwn(VIEWS, doc.command) ? VIEWS[doc.command] : undefined;
  if (!v || doc.sections[v.section] === undefined) return undefined;
  return v[format];
}
