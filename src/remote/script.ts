import { readFileSync } from "node:fs";

/** The shell collector (src/remote/collector.sh), as `mamori collect --script` prints it and SSH sends it. */
export function collectorScript(): string {
  return readFileSync(new URL("./collector.sh", import.meta.url), "utf8");
}
