import assert from "node:assert/strict";

/** What an attacker writes into a log line, a file name, a header or a command line. */
export const HOSTILE = "A\x1b[31mB<script>alert(1)</script>[x](javascript:alert(1))\nINJECTED";

/** Output is inert for a terminal: no escape sequence, and the hostile newline did not start a line. */
export function assertTerminalSafe(out: string, what: string): void {
  assert.ok(!out.includes("\x1b"), `${what}: raw ESC in ${JSON.stringify(out)}`);
  assert.ok(!/^INJECTED/m.test(out), `${what}: the hostile newline started a line`);
}
