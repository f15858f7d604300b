import type { FileScanBounds } from "../../facts/hunt.ts";

/** The hunt facts' types, for the collectors beside this file. */
export type * from "../../facts/hunt.ts";

/** Bounds of a file scan that has not run (yet): nothing read, nothing skipped. */
export function noFileScan(): FileScanBounds {
  return {
    roots: [],
    maxDepth: 0,
    maxEntries: 0,
    maxFileBytes: 0,
    maxTotalBytes: 0,
    bytesRead: 0,
    entriesSeen: 0,
    truncated: false,
    skippedLarge: [],
  };
}

/**
 * A file time as ISO, unless it lies after the scan's own clock: a copied image or fixture has the copy
 * time as ctime, which says nothing about when an intruder wrote the file.
 */
export function notAfter(d: Date, now: Date): string | undefined {
  return d.getTime() > now.getTime() ? undefined : d.toISOString();
}
