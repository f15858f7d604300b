import type { Diagnostics } from "../../core/diagnostics.ts";
import { readSockets } from "../net/sockets.ts";
import { listPids, readProcess } from "../proc/processes.ts";
import type { RootFs } from "../rootfs.ts";
import type { InventoryItem } from "./types.ts";

/** Listening TCP sockets and bound UDP sockets: key "tcp 0.0.0.0:22", value the owning process names. */
export function collectPorts(fs: RootFs, diag: Diagnostics): InventoryItem[] {
  if (!fs.exists("/proc/net/tcp") && !fs.exists("/proc/net/tcp6")) {
    diag.couldNotCheck({
      area: "baseline.port",
      path: "/proc/net",
      reason: fs.hasLiveFacts ? "ENOENT" : "not-live",
    });
    return [];
  }
  const pids = listPids(fs);
  const out = new Map<string, InventoryItem>();
  for (const s of readSockets(fs, pids)) {
    const listening = s.state === "LISTEN" || (s.protocol.startsWith("udp") && s.state === "UNCONN");
    if (!listening) continue;
    const proto = s.protocol.replace("6", "");
    const addr = s.localAddress.includes(":") ? `[${s.localAddress}]` : s.localAddress;
    const key = `${proto} ${addr}:${s.localPort}`;
    const names = s.pids.map((p) => readProcess(fs, p)?.comm).filter((n): n is string => Boolean(n));
    const prev = out.get(key);
    const pidList = [...new Set([...(prev?.detail?.pids ?? []), ...s.pids])].sort((a, b) => a - b);
    const process = [...new Set([...(prev?.detail?.process?.split(",") ?? []), ...names])].sort().join(",");
    // The value is the port itself: a different pid after a restart is not a change.
    out.set(key, { kind: "port", key, value: key, detail: { pids: pidList, process: process || undefined } });
  }
  return [...out.values()];
}
