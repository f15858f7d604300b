import { commandView } from "../commands/index.ts";
import { escapeHtml } from "../escape.ts";
import { renderPage } from "../html/page.ts";
import type { Renderer } from "../types.ts";

/**
 * One self-contained HTML file: inlined uPlot charts, no external request, every scanned value escaped.
 * A report of `probe`, `diff` or `history` also shows that command's own view (what its terminal output
 * says, escaped) first, since the page's findings are only part of what it reports.
 */
export const html: Renderer = {
  name: "html",
  render(doc, opts) {
    const page = renderPage(doc, opts);
    const view = doc.command === "logs" ? undefined : commandView(doc, "human");
    if (!view) return page;
    const text = view(doc, { ...opts, color: false });
    const section = `<section id="command-view"><h2>mamori ${escapeHtml(doc.command)}</h2><pre>${text.split("\n").map(escapeHtml).join("\n")}</pre></section>\n`;
    return page.replace("<main>\n", () => `<main>\n${section}`);
  },
};
