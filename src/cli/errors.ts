/**
 * Exit codes (DESIGN.md): 0 nothing at or above the threshold, 1 findings at or above it, 2 usage or runtime
 * error, 3 nothing at or above the threshold but a question could not be answered (no Apache or no version
 * found, configuration or access logs not read, a log in a format mamori cannot read, no process visible on
 * a live system): the report says which and how to answer it. Findings (1) win over 3.
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
export const EXIT_INCOMPLETE = 3;

/** A mistake by the user (bad flag, missing path): one clear line, exit 2, no stack trace. */
export class UsageError extends Error {}
