import { apacheScanner, sharedApacheCollection } from "./apache.ts";
import { exposureScanner } from "./exposure.ts";
import { huntScanner } from "./hunt.ts";
import { inventoryScanner } from "./inventory.ts";
import { logsScanner } from "./logs.ts";
import type { AnyScanner } from "./scanner.ts";

/** The areas `mamori audit` covers, in the order they run. Each area adds its scanner here, one line each. */
export function auditScanners(): AnyScanner[] {
  const apache = sharedApacheCollection();
  const scanners: AnyScanner[] = [];
  scanners.push(apacheScanner(undefined, apache.collect));
  scanners.push(logsScanner(apache.logSources));
  scanners.push(exposureScanner());
  scanners.push(huntScanner());
  scanners.push(inventoryScanner());
  return scanners;
}
