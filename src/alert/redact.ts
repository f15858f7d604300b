/**
 * Secrets never reach a log, the terminal or the history: webhook URLs carry tokens in their path or query,
 * database URLs carry passwords. What remains tells the operator where it went.
 */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const auth = u.username || u.password ? `${u.username ? "***" : ""}${u.password ? ":***" : ""}@` : "";
    const hasPath = u.pathname !== "/" && u.pathname !== "";
    return `${u.protocol}//${auth}${u.host}${hasPath ? "/***" : ""}${u.search ? "?***" : ""}`;
  } catch {
    return "***";
  }
}

/** A database target for display: files as they are, URLs without their password. */
export function redactDbTarget(target: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  try {
    const u = new URL(target);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "***";
  }
}

/** Removes every occurrence of the given secrets from a message (error texts can echo a URL or password). */
export function scrub(message: string, secrets: Array<string | undefined>): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  return out;
}
