import { DirFdError } from "../core/dirfd.ts";

/** A change refused for a reason the user can act on; `reason` names a `respond.reason.*` message. */
export class RespondError extends Error {
  readonly reason: string;
  constructor(reason: string, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

/** What a refused directory-descriptor operation means for a change: a link, a swap, a missing file. */
export function asRespondError(err: unknown, what: string): unknown {
  if (err instanceof RespondError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof DirFdError) {
    if (code === "ELOOP") return new RespondError("link", what);
    if (code === "ENOTDIR" || code === "ENOTREG") return new RespondError("not-regular", what);
    if (code === "ECHANGED") return new RespondError("changed", what);
    if (code === "EPERM") return new RespondError("unsafe-dir", err.message);
  }
  if (code === "ENOENT") return new RespondError("missing", what);
  if (code === "EEXIST") return new RespondError("exists", what);
  return err;
}
