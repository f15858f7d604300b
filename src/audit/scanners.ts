import { logsScanner } from "../collect/logs/scanner.ts";
import type { AnyScanner } from "../core/scanner.ts";

/** The areas `mamori audit` covers, in the order they run. Each area adds its scanner here. */
export function auditScanners(): AnyScanner[] {
  return [logsScanner()];
}
