import { z } from "zod";
import { QuarantineStore } from "./store.ts";
import type { Action, ActionResult } from "./types.ts";

/** What the last `respond --apply` did, kept beside the quarantine (root-only) for `mamori verify`. */
export const LAST = "last-respond.json";
const MAX = 1024 * 1024;

const actionSchema = z.union([
  z.object({
    kind: z.literal("kill"),
    pid: z.number().int().positive(),
    exe: z.string().optional(),
    startTime: z.string().optional(),
    startTicks: z.number().optional(),
    findingId: z.string().optional(),
  }),
  z.object({ kind: z.literal("quarantine"), path: z.string(), findingId: z.string().optional() }),
  z.object({
    kind: z.literal("disable-cron"),
    path: z.string(),
    line: z.number().int().positive(),
    findingId: z.string().optional(),
  }),
  z.object({ kind: z.literal("disable-unit"), name: z.string(), findingId: z.string().optional() }),
]);

export const lastSchema = z.object({
  at: z.string(),
  root: z.string(),
  done: z.array(z.object({ action: actionSchema, entryId: z.string().optional() })),
});
export type LastRespond = z.infer<typeof lastSchema>;

export interface LastEnv {
  root: string;
  quarantineDir: string;
  now: () => Date;
}

/** Records the actions that were done (failing to record never undoes or hides what was done). */
export function recordLastRespond(env: LastEnv, results: ActionResult[]): void {
  const done = results
    .filter((r) => r.status === "done")
    .map((r) => ({ action: strip(r.action), entryId: r.entryId }));
  if (done.length === 0) return;
  const rec: LastRespond = { at: env.now().toISOString(), root: env.root, done };
  try {
    QuarantineStore.with(env.quarantineDir, true, (s) =>
      s.dir.writeFileDurable(LAST, `${JSON.stringify(rec, null, 2)}\n`, 0o600),
    );
  } catch {
    // The changes stand; verify then says it has nothing recorded.
  }
}

function strip(a: Action): Action {
  const { lowConfidence: _, ...rest } = a as Action & { lowConfidence?: boolean };
  return rest as Action;
}

/** The record, read only from the private quarantine directory; undefined when there is none. */
export function readLastRespond(quarantineDir: string): LastRespond | undefined {
  const s = QuarantineStore.openExisting(quarantineDir);
  if (!s) return undefined;
  try {
    if (!s.dir.exists(LAST)) return undefined;
    const { data } = s.dir.readTrusted(LAST, { owner: process.geteuid?.() ?? 0, limit: MAX });
    return lastSchema.parse(JSON.parse(data.toString("utf8")));
  } finally {
    s.close();
  }
}
