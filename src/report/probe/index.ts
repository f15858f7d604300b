/**
 * How `mamori probe` reads on a terminal and in Markdown: per target, each check's verdict. JSON, SARIF
 * and HTML are the common renderers' (src/report/formats), over the same report.
 */
export { evidenceLine, probeHuman } from "./human.ts";
export { probeMarkdown } from "./markdown.ts";
