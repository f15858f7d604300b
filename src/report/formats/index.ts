import type { Renderer } from "../types.ts";
import { html } from "./html.ts";
import { human } from "./human.ts";
import { json } from "./json.ts";
import { markdown } from "./markdown.ts";
import { sarif } from "./sarif.ts";

/** Output formats by name; a new format is a new file in this folder and one line here. */
export const RENDERERS = { human, json, sarif, markdown, html } satisfies Record<string, Renderer>;

export type FormatName = keyof typeof RENDERERS;
export const FORMAT_NAMES = Object.keys(RENDERERS) as FormatName[];
