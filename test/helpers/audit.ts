import * as path from "node:path";
import type { RenderedDocument as ReportDocument } from "../../src/report/localize.ts";
import { mamori } from "./cli.ts";

/** Whole servers as directories (test/fixtures/roots/<name>), for `--root`. */
export const FIXTURE_ROOTS = path.resolve(import.meta.dirname, "../fixtures/roots");

/** The fixed time fixture audits run at, so ages and dates in the output do not drift. */
export const FIXTURE_NOW = "2026-11-25T00:00:00Z";

export function fixtureRoot(name: string): string {
  return path.join(FIXTURE_ROOTS, name);
}

/** `mamori audit --root DIR --format json` at FIXTURE_NOW, the document parsed. */
export async function auditJson(
  root: string,
  extra: string[] = [],
): Promise<{ code: number; stderr: string; doc: ReportDocument }> {
  const r = await mamori(["audit", "--root", root, "--format", "json", "--now", FIXTURE_NOW, ...extra]);
  if (!r.stdout) throw new Error(`no report on standard output (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, stderr: r.stderr, doc: JSON.parse(r.stdout) as ReportDocument };
}
