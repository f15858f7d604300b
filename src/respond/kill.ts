import * as nodefs from "node:fs";
import { bootTime, processStartTime, readProcess } from "../collect/proc/processes.ts";
import { RootFs } from "../collect/rootfs.ts";
import type { ReportDocument } from "../core/document.ts";
import { RespondError } from "./errors.ts";
import { MAX_QUARANTINE_BYTES, readFd } from "./fdio.ts";
import { actionsFor } from "./plan.ts";
import { CONTENT, type Manifest, newEntryId, QuarantineStore, sha256 } from "./store.ts";
import type { Action, RespondOptions } from "./types.ts";

type KillAction = Extract<Action, { kind: "kill" }>;

/** How far apart two start times may be and still be the same process (reports may round to the second). */
const START_TOLERANCE_MS = 1000;

/** What /proc says now about a running process (this machine only): its executable and start time. */
export function liveKillAction(pid: number): KillAction | undefined {
  const fs = new RootFs("/");
  const p = readProcess(fs, pid);
  const bt = bootTime(fs);
  if (!p || bt === undefined) return undefined;
  return {
    kind: "kill",
    pid,
    exe: p.exe,
    startTime: processStartTime(p, bt).toISOString(),
    startTicks: p.startTicks,
  };
}

/** An explicit --kill PID: the report's record of that process if it has one, else what /proc says now. */
export function killActionFor(
  pid: number,
  doc: Pick<ReportDocument, "findings"> | undefined,
  root: string,
): KillAction {
  const f = doc?.findings.find((x) => x.check.startsWith("process.") && x.data?.pid === pid);
  const recorded = f && doc ? actionsFor(f, doc).find((a): a is KillAction => a.kind === "kill") : undefined;
  return recorded ?? (root === "/" ? liveKillAction(pid) : undefined) ?? { kind: "kill", pid };
}

/**
 * Checks that `pid` is still the process the report saw: same executable and same start time.
 * A pid the kernel has given to another process is never touched.
 */
export function verifyProcess(a: KillAction, root: string): { exe?: string; startTime: string } {
  if (root !== "/") throw new RespondError("not-live", `pid ${a.pid}`);
  const fs = new RootFs("/");
  const p = readProcess(fs, a.pid);
  const btime = bootTime(fs);
  if (!p || btime === undefined) throw new RespondError("pid-gone", `pid ${a.pid}`);
  const started = processStartTime(p, btime);
  if (a.startTicks === undefined && a.startTime === undefined)
    throw new RespondError("no-start-time", `pid ${a.pid}`);
  if (a.startTicks !== undefined && a.startTicks !== p.startTicks)
    throw new RespondError("pid-reused", `pid ${a.pid}: start ticks ${p.startTicks}, report ${a.startTicks}`);
  if (a.startTime !== undefined) {
    const want = Date.parse(a.startTime);
    if (Number.isNaN(want) || Math.abs(started.getTime() - want) > START_TOLERANCE_MS)
      throw new RespondError(
        "pid-reused",
        `pid ${a.pid}: started ${started.toISOString()}, report ${a.startTime}`,
      );
  }
  if (!a.exe) throw new RespondError("no-exe", `pid ${a.pid}`);
  if (p.exe !== a.exe)
    throw new RespondError("pid-reused", `pid ${a.pid}: runs ${p.exe ?? "?"}, report ${a.exe}`);
  return { exe: p.exe, startTime: started.toISOString() };
}

/** A miner's program is a few MB; the cap keeps a planted huge or endless file from filling memory. */
const MAX_EVIDENCE_BYTES = MAX_QUARANTINE_BYTES;
const MAX_CMDLINE_BYTES = 4 * 1024 * 1024;

function readProcFile(p: string, max: number): Buffer {
  const fd = nodefs.openSync(p, nodefs.constants.O_RDONLY | nodefs.constants.O_NONBLOCK);
  try {
    return readFd(fd, max, p);
  } finally {
    nodefs.closeSync(fd);
  }
}

/**
 * Before a process is killed, its program (readable through /proc/PID/exe even when deleted from disk)
 * and command line are copied into the quarantine as evidence.
 */
export function preserveEvidence(
  a: KillAction,
  opts: Pick<RespondOptions, "quarantineDir" | "now">,
): Manifest {
  const data = readProcFile(`/proc/${a.pid}/exe`, MAX_EVIDENCE_BYTES);
  const cmdline = readProcFile(`/proc/${a.pid}/cmdline`, MAX_CMDLINE_BYTES);
  const id = newEntryId(opts.now(), "evidence");
  const m: Manifest = {
    id,
    kind: "evidence",
    state: "quarantined",
    createdAt: opts.now().toISOString(),
    root: "/",
    originalPath: a.exe?.startsWith("/") && a.exe.length < 4096 ? a.exe : `/proc/${a.pid}/exe`,
    hostPath: `/proc/${a.pid}/exe`,
    sha256: sha256(data),
    size: data.length,
    findingId: a.findingId,
  };
  QuarantineStore.with(opts.quarantineDir, true, (store) => {
    const entry = store.createEntry(id);
    try {
      entry.writeFileDurable(CONTENT, data, 0o400);
      entry.writeFileDurable("cmdline", cmdline, 0o400);
      store.writeManifest(entry, m);
    } finally {
      entry.close();
    }
  });
  return m;
}
