/** The fleet's CSV exports carry agents' text (host names, titles): nothing in a cell may act in a spreadsheet. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { csvLine } from "../../src/server/fleet/views.ts";

test("fleet CSV cells: formulas defused, quotes doubled, control and bidirectional characters shown as escapes", () => {
  const line = csvLine([
    '=HYPERLINK("http://x")',
    "web\u202eexe.txt",
    "a\u001b[31mb",
    3,
    undefined,
    "@sum",
    "plain",
  ]);
  assert.ok(line.endsWith("\r\n"));
  assert.doesNotMatch(
    line.slice(0, -2),
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
  );
  const cells = line.trimEnd().split(",");
  assert.equal(cells[0], `"'=HYPERLINK(""http://x"")"`);
  assert.equal(cells[3], `"3"`);
  assert.equal(cells[4], `""`);
  assert.equal(cells[5], `"'@sum"`);
  assert.equal(cells[6], `"plain"`);
});
