import * as fs from "node:fs";
import * as path from "node:path";
import type { ReportDocument } from "../../src/core/document.ts";
import type { Finding } from "../../src/core/finding.ts";
import { writeTree } from "../helpers/tmp.ts";

/** A small server root: one cron line, one SSH key, two packages, one unit, an Apache log. */
export function serverRoot(root: string): void {
  writeTree(root, {
    "etc/hostname": "web1\n",
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n",
    "etc/crontab":
      "# m h dom mon dow user command\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n",
    "etc/cron.d/backup": "0 3 * * * root /usr/local/bin/backup\n",
    "etc/cron.daily/logrotate": "#!/bin/sh\n/usr/sbin/logrotate /etc/logrotate.conf\n",
    "etc/systemd/system/multi-user.target.wants/.keep": "",
    "lib/systemd/system/apache2.service": "[Service]\nExecStart=/usr/sbin/apachectl start\n",
    "home/alice/.ssh/authorized_keys":
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBv0tqnTX5PY9fT3yNRpxhdvCvRsHr7vuYcOb1JnOUhR alice@laptop\n",
    "var/lib/dpkg/status": [
      "Package: apache2\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.4.62-1~deb12u1\n",
      "Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.15-1~deb12u1\n",
      "Package: oldthing\nStatus: deinstall ok config-files\nArchitecture: all\nVersion: 1\n",
    ].join("\n"),
    "var/log/apache2/access.log": "",
  });
  fs.rmSync(path.join(root, "etc/systemd/system/multi-user.target.wants/.keep"));
}

export function finding(id: string, over: Partial<Finding> = {}): Finding {
  return {
    id,
    check: id.split(":")[0] ?? "test",
    severity: "high",
    confidence: "likely",
    title: `title of ${id}`,
    detail: "",
    cves: [],
    evidence: [{ path: "/etc/x", line: 1 }],
    remediation: "",
    ...over,
  };
}

export function doc(findings: Finding[], scannedAt: string, host = "web1"): ReportDocument {
  return {
    schemaVersion: 1,
    tool: { name: "mamori", version: "test" },
    command: "audit",
    host: { hostname: host, root: "/srv/root", live: false },
    scannedAt,
    lang: "en",
    findings,
    incidents: [],
    notChecked: [],
    warnings: [],
    sections: {},
  };
}
