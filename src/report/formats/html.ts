import { renderPage } from "../html/page.ts";
import type { Renderer } from "../types.ts";

/** One self-contained HTML file: inlined uPlot charts, no external request, every scanned value escaped. */
export const html: Renderer = { name: "html", render: renderPage };
