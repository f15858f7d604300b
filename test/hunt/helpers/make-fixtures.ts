/**
 * Writes the hunting fixture roots (test/fixtures/hunt/<name>/) as plain text: a recorded /proc tree
 * (proc/PID/{stat,status,cmdline}, proc/net/tcp|udp, proc/stat), system files, and two manifests the
 * test helper applies: _links.txt (exe/cwd/fd symbolic links) and _mtimes.txt (file times).
 * The files are committed; run this only to change them:  node test/hunt/helpers/write-fixtures.ts
 *
 * Every address, domain and path below is data for matching only; nothing here is ever contacted or run.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const FIXTURE_NOW = "2026-11-20T12:00:00Z";
const BTIME = 1794312000; // 2026-11-10T12:00:00Z: ten days before FIXTURE_NOW
const HZ = 100;
const NOW_S = Date.parse(FIXTURE_NOW) / 1000;

export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  argv: string[];
  exe?: string;
  cwd?: string;
  uid?: number;
  /** Seconds before FIXTURE_NOW that the process started. */
  ago: number;
  /** CPU seconds used (user+system). */
  cpu?: number;
  kthread?: boolean;
  sockets?: Sock[];
}

export interface Sock {
  proto: "tcp" | "udp";
  local: string;
  remote: string;
  state?: string;
}

export interface Spec {
  procs: Proc[];
  files: Record<string, string>;
  mtimes?: Record<string, string>;
  links?: Record<string, string>;
  mountinfo?: string[];
}

const PASSWD = [
  "root:x:0:0:root:/root:/bin/bash",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "_chrony:x:102:105:Chrony daemon,,,:/var/lib/chrony:/usr/sbin/nologin",
  "builder:x:1000:1000:CI builder:/home/builder:/bin/bash",
  "miner:x:1001:1001:Mining research:/home/miner:/bin/bash",
].join("\n");

function hexIp(ip: string): string {
  return ip
    .split(".")
    .map((n) => Number(n).toString(16).padStart(2, "0").toUpperCase())
    .reverse()
    .join("");
}

function hexEndpoint(ep: string): string {
  const [ip, port] = ep.split(":");
  return `${hexIp(ip as string)}:${Number(port).toString(16).padStart(4, "0").toUpperCase()}`;
}

const STATES: Record<string, string> = { ESTABLISHED: "01", LISTEN: "0A", UNCONN: "07", SYN_SENT: "02" };

/** The processes every Debian server has: init, kthreadd, a kworker, sshd, cron, Apache. */
export function baseProcs(): Proc[] {
  return [
    {
      pid: 1,
      ppid: 0,
      comm: "systemd",
      argv: ["/sbin/init"],
      exe: "/usr/lib/systemd/systemd",
      uid: 0,
      ago: 864000,
      cpu: 40,
    },
    { pid: 2, ppid: 0, comm: "kthreadd", argv: [], uid: 0, ago: 864000, kthread: true },
    { pid: 14, ppid: 2, comm: "kworker/0:1-events", argv: [], uid: 0, ago: 864000, cpu: 3, kthread: true },
    { pid: 52, ppid: 2, comm: "kswapd0", argv: [], uid: 0, ago: 864000, cpu: 1, kthread: true },
    {
      pid: 310,
      ppid: 1,
      comm: "sshd",
      argv: ["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"],
      exe: "/usr/sbin/sshd",
      uid: 0,
      ago: 863000,
      cpu: 2,
      sockets: [{ proto: "tcp", local: "0.0.0.0:22", remote: "0.0.0.0:0", state: "LISTEN" }],
    },
    {
      pid: 320,
      ppid: 1,
      comm: "cron",
      argv: ["/usr/sbin/cron", "-f"],
      exe: "/usr/sbin/cron",
      uid: 0,
      ago: 863000,
      cpu: 1,
    },
    {
      pid: 400,
      ppid: 1,
      comm: "apache2",
      argv: ["/usr/sbin/apache2", "-k", "start"],
      exe: "/usr/sbin/apache2",
      uid: 0,
      ago: 862000,
      cpu: 30,
      sockets: [{ proto: "tcp", local: "0.0.0.0:80", remote: "0.0.0.0:0", state: "LISTEN" }],
    },
    {
      pid: 401,
      ppid: 400,
      comm: "apache2",
      argv: ["/usr/sbin/apache2", "-k", "start"],
      exe: "/usr/sbin/apache2",
      uid: 33,
      ago: 3600,
      cpu: 5,
      sockets: [{ proto: "tcp", local: "10.0.0.5:80", remote: "203.0.113.7:51234" }],
    },
  ];
}

export const BASE_FILES: Record<string, string> = {
  "etc/passwd": `${PASSWD}\n`,
  "etc/hostname": "web01\n",
  "etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
  "etc/crontab":
    "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n" +
    "17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n" +
    "25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }\n",
  "etc/cron.d/php":
    "09,39 *     * * *     root   [ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi\n",
  "etc/cron.daily/logrotate": "#!/bin/sh\n/usr/sbin/logrotate /etc/logrotate.conf\n",
  "lib/systemd/system/apache2.service":
    "[Unit]\nDescription=The Apache HTTP Server\n[Service]\nType=forking\nEnvironment=APACHE_STARTED_BY_SYSTEMD=true\nExecStart=/usr/sbin/apachectl start\nExecStop=/usr/sbin/apachectl graceful-stop\n[Install]\nWantedBy=multi-user.target\n",
  "lib/systemd/system/cron.service":
    "[Service]\nEnvironmentFile=-/etc/default/cron\nExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS\n",
  "etc/init.d/x11-common":
    '#!/bin/sh\nSOCKET_DIR=/tmp/.X11-unix\nICE_DIR=/tmp/.ICE-unix\nset_up_dir () {\n  mkdir -p "$DIR"\n}\nset_up_dir /tmp/.X11-unix\n',
  "root/.bashrc": '# ~/.bashrc\nexport PATH="/root/.cargo/bin:$PATH"\nalias ll="ls -l"\n',
  "root/.profile": 'if [ "$BASH" ]; then . ~/.bashrc; fi\n',
  "etc/profile":
    'if [ "$(id -u)" -eq 0 ]; then PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; fi\nexport PATH\n',
  "proc/self/mountinfo":
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n",
  "proc/sys/kernel/pid_max": "32768\n",
};

/** A fake ELF: the four magic bytes and some text, enough for mamori's checks (never executable code). */
export function fakeElf(...strings: string[]): string {
  return `\x7fELF\x02\x01\x01\0fixture-not-a-real-binary\0${strings.join("\0")}\0`;
}

export function writeFixture(dir: string, spec: Spec): void {
  fs.rmSync(dir, { recursive: true, force: true });
  const files: Record<string, string> = { ...BASE_FILES, ...spec.files };
  const links: Record<string, string> = { ...spec.links };
  const tcp: string[] = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  ];
  const udp: string[] = [
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
  ];
  let inode = 40000;
  let totalCpu = 0;
  for (const p of spec.procs) {
    const start = Math.round((NOW_S - p.ago - BTIME) * HZ);
    const cpuTicks = Math.round((p.cpu ?? 0) * HZ);
    totalCpu += cpuTicks;
    const flags = p.kthread ? 0x00208040 : 0x00400100;
    const utime = Math.round(cpuTicks * 0.9);
    const stime = cpuTicks - utime;
    files[`proc/${p.pid}/stat`] =
      `${p.pid} (${p.comm}) S ${p.ppid} ${p.pid} ${p.pid} 0 -1 ${flags} 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} 10000000 500 18446744073709551615\n`;
    const uid = p.uid ?? 0;
    files[`proc/${p.pid}/status`] =
      `Name:\t${p.comm.slice(0, 15)}\nState:\tS (sleeping)\nTgid:\t${p.pid}\nPid:\t${p.pid}\nPPid:\t${p.ppid}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t${uid}\t${uid}\t${uid}\t${uid}\n${p.kthread ? "" : "VmRSS:\t   20480 kB\n"}`;
    files[`proc/${p.pid}/cmdline`] = p.argv.length ? `${p.argv.join("\0")}\0` : "";
    if (p.exe) links[`proc/${p.pid}/exe`] = p.exe;
    if (p.cwd) links[`proc/${p.pid}/cwd`] = p.cwd;
    else if (!p.kthread) links[`proc/${p.pid}/cwd`] = "/";
    files[`proc/${p.pid}/fd/.keep`] = "";
    (p.sockets ?? []).forEach((s, i) => {
      inode++;
      const st = STATES[s.state ?? (s.proto === "udp" ? "UNCONN" : "ESTABLISHED")] ?? "01";
      const line = `${String(i).padStart(4)}: ${hexEndpoint(s.local)} ${hexEndpoint(s.remote)} ${st} 00000000:00000000 00:00000000 00000000 ${String(uid).padStart(5)}        0 ${inode} 1 0000000000000000 20 4 30 10 -1`;
      (s.proto === "udp" ? udp : tcp).push(line);
      links[`proc/${p.pid}/fd/${10 + i}`] = `socket:[${inode}]`;
    });
  }
  files["proc/net/tcp"] = `${tcp.join("\n")}\n`;
  files["proc/net/udp"] = `${udp.join("\n")}\n`;
  const busy = totalCpu + 50000;
  files["proc/stat"] =
    `cpu  ${busy} 0 1000 900000 200 0 50 0 0 0\ncpu0 ${busy >> 1} 0 500 450000 100 0 25 0 0 0\ncpu1 ${busy >> 1} 0 500 450000 100 0 25 0 0 0\nbtime ${BTIME}\nprocesses 5000\n`;
  if (spec.mountinfo)
    files["proc/self/mountinfo"] = `${(files["proc/self/mountinfo"] ?? "") + spec.mountinfo.join("\n")}\n`;
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content, "latin1");
  }
  fs.writeFileSync(
    path.join(dir, "_links.txt"),
    `${Object.entries(links)
      .map(([from, to]) => `${from} -> ${to}`)
      .join("\n")}\n`,
  );
  const mtimes = { ...spec.mtimes };
  fs.writeFileSync(
    path.join(dir, "_mtimes.txt"),
    `${Object.entries(mtimes)
      .map(([p, t]) => `${p} ${t}`)
      .join("\n")}\n`,
  );
}
