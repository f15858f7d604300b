import type { HandlerBlock } from "../../facts/exposure.ts";
import type { ServiceRule } from "../../rules/exposure/services.ts";
import type { RootFs } from "../rootfs.ts";

export type { HandlerBlock };

const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

/** Whether a block's access lines leave it open to everyone. */
export function isOpen(access: Array<{ text: string }>): boolean {
  if (access.length === 0) return true;
  const lines = access.map((a) => a.text.toLowerCase().replace(/\s+/g, " "));
  if (lines.some((l) => l === "require all granted" || l === "allow from all")) return true;
  return false;
}

/** Finds the blocks of one configuration text that set the handler. */
export function findHandlerBlocks(
  text: string,
  handler: string,
  file: string,
  service: string,
): HandlerBlock[] {
  const out: HandlerBlock[] = [];
  type Frame = { tag: string; arg?: string; access: Array<{ line: number; text: string }>; setAt?: number };
  const stack: Frame[] = [{ tag: "server", access: [] }];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const open =
      /^<(Location|LocationMatch|Directory|DirectoryMatch|Files|FilesMatch|VirtualHost|If\w*|RequireAny|RequireAll)\b\s*((?:[^>\s][^>]*)?)>/i.exec(
        line,
      );
    if (open) {
      const tag = (open[1] ?? "").toLowerCase();
      // Require containers and <If> belong to the block around them.
      if (/^(requireany|requireall|if\w*)$/.test(tag)) return;
      stack.push({ tag, arg: (open[2] ?? "").replace(/^"|"$/g, "").trim(), access: [] });
      return;
    }
    const close = /^<\/(\w+)\s*>/.exec(line);
    if (close) {
      const tag = (close[1] ?? "").toLowerCase();
      if (/^(requireany|requireall|if\w*)$/.test(tag)) return;
      const frame = stack.length > 1 ? stack.pop() : undefined;
      if (frame?.setAt !== undefined)
        out.push({
          service,
          handler,
          file,
          line: frame.setAt,
          location: frame.arg,
          open: isOpen(frame.access),
          access: frame.access,
        });
      return;
    }
    const top = stack[stack.length - 1] as Frame;
    if (/^(Require|Allow|Deny|Order)\b/i.test(line) && !/^Order\b/i.test(line))
      top.access.push({ line: i + 1, text: line });
    const sh = /^SetHandler\s+"?([\w-]+)"?/i.exec(line);
    if (sh && sh[1]?.toLowerCase() === handler.toLowerCase()) top.setAt = i + 1;
  });
  const server = stack[0] as Frame;
  if (server.setAt !== undefined)
    out.push({
      service,
      handler,
      file,
      line: server.setAt,
      open: isOpen(server.access),
      access: server.access,
    });
  return out;
}

/** Every place the Apache configuration of the root sets one of the rules' handlers. */
export function readHandlerBlocks(fs: RootFs, rules: ServiceRule[]): HandlerBlock[] {
  const out: HandlerBlock[] = [];
  for (const rule of rules) {
    if (!rule.handler) continue;
    const files = [...new Set(rule.config.flatMap((g) => fs.glob(g)))];
    for (const file of files) {
      const text = fs.tryReadText(file, { maxBytes: MAX_CONFIG_BYTES });
      if (text === undefined || !text.toLowerCase().includes(rule.handler.toLowerCase())) continue;
      out.push(...findHandlerBlocks(text, rule.handler, file, rule.id));
    }
  }
  return out;
}
