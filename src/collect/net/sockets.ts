import type { RootFs } from "../rootfs.ts";

export type Protocol = "tcp" | "tcp6" | "udp" | "udp6";

export interface Socket {
  protocol: Protocol;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** TCP state name (LISTEN, ESTABLISHED, ...); UDP sockets bound without a peer are "UNCONN". */
  state: string;
  uid: number;
  inode: number;
  /** Processes that hold the socket open (from /proc/PID/fd), when we can see them. */
  pids: number[];
}

const TCP_STATES: Record<string, string> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "03": "SYN_RECV",
  "04": "FIN_WAIT1",
  "05": "FIN_WAIT2",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
  "0B": "CLOSING",
};

/** /proc/net addresses are little-endian hex per 32-bit word. */
export function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    const n = Number.parseInt(hex, 16);
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join(".");
  }
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is shown as IPv4, as users know it.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(":");
  return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLen).join(":")}`;
}

export function parseProcNet(text: string, protocol: Protocol): Socket[] {
  const out: Socket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [la, lp] = (f[1] ?? "").split(":");
    const [ra, rp] = (f[2] ?? "").split(":");
    if (!la || !lp || !ra || !rp) continue;
    const st = (f[3] ?? "").toUpperCase();
    const isUdp = protocol.startsWith("udp");
    out.push({
      protocol,
      localAddress: decodeAddress(la),
      localPort: Number.parseInt(lp, 16),
      remoteAddress: decodeAddress(ra),
      remotePort: Number.parseInt(rp, 16),
      state: isUdp ? (st === "01" ? "ESTABLISHED" : "UNCONN") : (TCP_STATES[st] ?? st),
      uid: Number(f[7]),
      inode: Number(f[9]),
      pids: [],
    });
  }
  return out;
}

/** Socket inode -> pids, from the /proc/PID/fd links ("socket:[12345]"). */
export function socketOwners(fs: RootFs, pids: number[]): Map<number, number[]> {
  const owners = new Map<number, number[]>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlink(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m) continue;
      const inode = Number(m[1]);
      const list = owners.get(inode) ?? [];
      if (!list.includes(pid)) list.push(pid);
      owners.set(inode, list);
    }
  }
  return owners;
}

/** All TCP and UDP sockets of the scanned system, with owning pids where visible. */
export function readSockets(fs: RootFs, pids: number[]): Socket[] {
  const sockets: Socket[] = [];
  for (const protocol of ["tcp", "tcp6", "udp", "udp6"] as const) {
    const text = fs.tryReadText(`/proc/net/${protocol}`);
    if (text) sockets.push(...parseProcNet(text, protocol));
  }
  const owners = socketOwners(fs, pids);
  for (const s of sockets) s.pids = owners.get(s.inode) ?? [];
  return sockets;
}

export function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1" || address.startsWith("::ffff:127.");
}

export function isWildcard(address: string): boolean {
  return address === "0.0.0.0" || address === "::";
}
