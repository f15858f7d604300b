import type { Renderer } from "../types.ts";

export const json: Renderer = {
  name: "json",
  render(doc) {
    return `${JSON.stringify(doc, null, 2)}\n`;
  },
};
