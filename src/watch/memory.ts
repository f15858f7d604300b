/**
 * Giving memory back after a scan (issue 13: a watch process grew 105 -> 239 -> 291 -> 309 MB over three
 * scans and never shrank). What a scan leaves is mostly not held objects but room V8 grew into while it
 * ran: the young generation expands to up to 64 MB per semi-space while the logs are read, and an
 * ordinary garbage collection keeps it that size. The collection V8 runs under memory pressure
 * ("last resort": collect until nothing more is freed, and shrink the spaces) gives it back.
 *
 * Node exposes that collection only to `--expose-gc` code: the flag is turned on for the moment it
 * takes to fetch the function from a fresh context (what test runners do to measure leaks), then off
 * again, so that no other context gets a global `gc`.
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";

type Gc = (options?: { type?: "major" | "minor"; execution?: "sync" | "async"; flavor?: string }) => void;

/** A function that shrinks this thread's heap to what it holds; a no-op where V8 offers none. */
export function memoryReleaser(): () => void {
  let gc: Gc | undefined;
  try {
    v8.setFlagsFromString("--expose-gc");
    const fn: unknown = vm.runInNewContext("gc");
    if (typeof fn === "function") gc = fn as Gc;
  } catch {
    gc = undefined;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
  return () => gc?.({ type: "major", execution: "sync", flavor: "last-resort" });
}
