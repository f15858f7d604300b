import { z } from "zod";

/** Process facts from /proc, shared by hunting and exposure. */
const int = z.number().int();

// Linux reports times in USER_HZ, which is 100 on every architecture mamori runs on.
export { CLOCK_TICKS_PER_SECOND } from "./constants.ts";

export const processInfoSchema = z
  .object({
    pid: int,
    ppid: int,
    /** Short name from /proc/PID/stat (attacker-controlled: escape before display). */
    comm: z.string(),
    state: z.string(),
    /** Arguments from /proc/PID/cmdline (attacker-controlled). Empty for kernel threads. */
    argv: z.array(z.string()),
    /** Target of /proc/PID/exe; " (deleted)" is stripped and `exeDeleted` set. */
    exe: z.string().optional(),
    exeDeleted: z.boolean(),
    uid: int.optional(),
    gid: int.optional(),
    /** Clock ticks since boot at which the process started (field 22 of stat). */
    startTicks: z.number(),
    /** User + system CPU time in clock ticks (fields 14 and 15 of stat). */
    cpuTicks: z.number(),
    /** Resident set size in kB (from status VmRSS). */
    rssKb: z.number().optional(),
    cwd: z.string().optional(),
    /** Kernel threads have no address space; a process that claims a kernel-thread name but has one is masquerading. */
    isKernelThread: z.boolean(),
  })
  .strict();
export type ProcessInfo = z.infer<typeof processInfoSchema>;
