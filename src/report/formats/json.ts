import { jsonOutput } from "../escape.ts";
import { contractDocument } from "../localize.ts";
import type { Renderer } from "../types.ts";

export const json: Renderer = {
  name: "json",
  render(doc, opts) {
    return jsonOutput(contractDocument(doc, opts.t));
  },
};
