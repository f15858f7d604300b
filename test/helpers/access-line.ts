/** Combined-format access lines for tests, timed in seconds after 2026-11-20 03:00:00 UTC. */

/** The `%t` of `sec` seconds after 03:00:00 on 20/Nov/2026 (hours go on past 03). */
export function logTime(sec: number): string {
  const h = String(3 + Math.floor(sec / 3600)).padStart(2, "0");
  const m = String(Math.floor(sec / 60) % 60).padStart(2, "0");
  const s = String(sec % 60).padStart(2, "0");
  return `20/Nov/2026:${h}:${m}:${s} +0000`;
}

/** One combined-format line. */
export function accessLine(
  ip: string,
  sec: number,
  method: string,
  target: string,
  status: number,
  size: string | number,
  userAgent = "Mozilla/5.0 (X11; Linux x86_64)",
): string {
  return `${ip} - - [${logTime(sec)}] "${method} ${target} HTTP/1.1" ${status} ${size} "-" "${userAgent}"`;
}
