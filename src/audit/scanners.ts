import type { AnyScanner } from "../core/scanner.ts";
import { apacheScanner } from "./apache.ts";
import { exposureScanner } from "./exposure.ts";
import { huntScanner } from "./hunt.ts";

/** The areas `mamori audit` covers, in the order they run. Each area adds its scanner here, one line each. */
export function auditScanners(): AnyScanner[] {
  const scanners: AnyScanner[] = [];
  scanners.push(apacheScanner());
  scanners.push(exposureScanner());
  scanners.push(huntScanner());
  return scanners;
}
