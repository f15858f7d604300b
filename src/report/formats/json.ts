import { jsonOutput } from "../escape.ts";
import type { Renderer } from "../types.ts";

export const json: Renderer = {
  name: "json",
  render(doc) {
    return jsonOutput(doc);
  },
};
