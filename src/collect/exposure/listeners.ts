import { byCodeUnit } from "../../core/order.ts";
import type { Listener, ListenerProcess, Scope } from "../../facts/exposure.ts";
import { isLoopback, isWildcard, readSockets, type Socket } from "../net/sockets.ts";
import { listPids, readProcess, readUsers } from "../proc/processes.ts";
import type { RootFs } from "../rootfs.ts";
import { packageOwners } from "./dpkg.ts";

export type { Listener, ListenerProcess, Scope };

export function scopeOf(address: string): Scope {
  if (isLoopback(address)) return "loopback";
  if (isWildcard(address) || address === "::ffff:0.0.0.0") return "all";
  return "address";
}

function isListening(s: Socket): boolean {
  if (s.protocol.startsWith("tcp")) return s.state === "LISTEN";
  return s.state === "UNCONN" && s.remotePort === 0;
}

/** The systemd unit from a cgroup v2 or v1 line such as "0::/system.slice/redis-server.service". */
export function unitFromCgroup(text: string): string | undefined {
  for (const line of text.split("\n")) {
    // Per run between line breaks, its first /system.slice/ taken atomically: one pass (issue 10).
    const m =
      /(?:^|[\n\r\u2028\u2029])(?=([^\n\r\u2028\u2029]*?\/system\.slice\/))\1(?:.*\/)?([A-Za-z0-9@_.:\\-]+\.(?:service|socket))(?:\/|$)/.exec(
        line,
      );
    if (m?.[2]) return m[2];
  }
  return undefined;
}

/** Listening sockets of the scanned system with their owners; reads /proc through the root. */
export function collectListeners(fs: RootFs): Listener[] {
  const pids = listPids(fs);
  const sockets = readSockets(fs, pids).filter(isListening);
  const users = readUsers(fs);
  const procCache = new Map<number, ListenerProcess | undefined>();
  const proc = (pid: number): ListenerProcess | undefined => {
    if (procCache.has(pid)) return procCache.get(pid);
    const p = readProcess(fs, pid);
    const lp: ListenerProcess | undefined = p && {
      pid,
      comm: p.comm,
      exe: p.exe,
      argv: p.argv,
      uid: p.uid,
      user: p.uid === undefined ? undefined : users.get(p.uid),
      unit: unitFromCgroup(fs.tryReadText(`/proc/${pid}/cgroup`, { maxBytes: 8192 }) ?? ""),
    };
    procCache.set(pid, lp);
    return lp;
  };
  const listeners: Listener[] = sockets.map((s) => ({
    protocol: s.protocol.startsWith("tcp") ? "tcp" : "udp",
    family: s.protocol.endsWith("6") ? 6 : 4,
    address: s.localAddress,
    port: s.localPort,
    scope: scopeOf(s.localAddress),
    uid: s.uid,
    user: users.get(s.uid),
    inode: s.inode,
    processes: s.pids.map(proc).filter((p): p is ListenerProcess => p !== undefined),
  }));
  const exes = [
    ...new Set(listeners.flatMap((l) => l.processes.map((p) => p.exe)).filter(Boolean)),
  ] as string[];
  const owners = packageOwners(fs, exes);
  for (const l of listeners)
    for (const p of l.processes) {
      const o = p.exe ? owners.get(p.exe) : undefined;
      if (o) {
        p.package = o.package;
        p.packageVersion = o.version;
      }
    }
  return listeners.sort(
    (a, b) => a.port - b.port || byCodeUnit(a.protocol, b.protocol) || byCodeUnit(a.address, b.address),
  );
}
