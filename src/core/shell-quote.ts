/**
 * A value for a command the operator is told to paste into a root shell. Values come from the host
 * (paths, unit and package names, mount points, addresses), which an attacker may have written: each is
 * single-quoted unless it is plainly safe.
 */
export function shellQuote(value: string | number): string {
  const s = String(value);
  if (/^[A-Za-z0-9_/.:@%+=,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
