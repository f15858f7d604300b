import type { ReportDocument } from "../../core/document.ts";
import type { Translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../escape.ts";
import { renderDocument } from "../localize.ts";
import { textWidth } from "../text-width.ts";

function addr(a: string, port: number): string {
  return a.includes(":") ? `[${a}]:${port}` : `${a}:${port}`;
}

/** The listening-socket table `mamori ports` prints above the findings (human format only). */
export function renderPortsTable(keyed: ReportDocument, t: Translator): string {
  const doc = renderDocument(keyed, t);
  const rows = doc.sections.exposure?.listeners ?? [];
  if (rows.length === 0) return `${t("exposure.ports.none")}\n\n`;
  const table = [
    [
      t("exposure.ports.col.proto"),
      t("exposure.ports.col.address"),
      t("exposure.ports.col.process"),
      t("exposure.ports.col.user"),
      t("exposure.ports.col.package"),
      t("exposure.ports.col.service"),
      t("exposure.ports.col.reach"),
    ],
  ];
  for (const r of rows) {
    const p = r.processes[0];
    const reach =
      r.scope === "loopback"
        ? t("exposure.reach.loopback")
        : r.firewall?.blocked
          ? t("exposure.reach.blocked")
          : t("exposure.reach.network");
    table.push([
      esc(r.protocol),
      esc(r.addresses.map((a) => addr(a, r.port)).join(" ")),
      p ? `${esc(p.comm || (p.exe?.split("/").pop() ?? "?"))}[${p.pid}]` : "-",
      esc(p?.user ?? "-"),
      esc(p?.package ?? "-"),
      esc(r.service ?? "-"),
      reach,
    ]);
  }
  const width = textWidth;
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => width(row[i] ?? "")))) ?? [];
  const lines = table.map((row) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - width(c))))
      .join("  ")
      .trimEnd(),
  );
  return `${t("exposure.ports.heading")}:\n${lines.join("\n")}\n\n`;
}
