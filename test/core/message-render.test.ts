/**
 * A saved report's keyed text is hostile input (a compromised agent pushes it to the fleet server):
 * its nesting and string sizes are checked, but a message that uses one parameter three times, nested
 * as deep as allowed around the longest string allowed, rendered to 430 million characters and took
 * the server down. Whatever passes the check renders to a bounded string.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isValidText, msg, renderText, type Text } from "../../src/core/message.ts";
import { translator } from "../../src/i18n/index.ts";

test("text that passes the saved-report check renders bounded, however its parameters repeat", () => {
  let text: Text = "x".repeat(64 * 1024);
  for (let depth = 0; depth < 7; depth++) text = msg("exposure.fw.noneForFamily", { family: text });
  assert.equal(isValidText(text), true);
  for (const lang of ["en", "ja"] as const) {
    const out = renderText(text, translator(lang));
    assert.ok(out.length <= 64 * 1024 + 1, `${lang}: ${out.length}`);
    assert.ok(out.endsWith("…"), lang);
  }
  // Ordinary text is untouched.
  assert.equal(
    renderText(msg("exposure.fw.noneForFamily", { family: "6" }), translator("en")),
    "it listens on IPv6 too, and no enabled IPv6 firewall rules were found, so it is reachable over IPv6",
  );
  const parts: Text[] = Array.from({ length: 1000 }, () => "y".repeat(60 * 1024));
  assert.equal(isValidText(parts), true);
  assert.ok(renderText(parts, translator("en")).length <= 64 * 1024 + 1);
});
