/** Exit codes (DESIGN.md): 0 nothing at or above the threshold, 1 findings at or above it, 2 usage or runtime error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** A mistake by the user (bad flag, missing path): one clear line, exit 2, no stack trace. */
export class UsageError extends Error {}
