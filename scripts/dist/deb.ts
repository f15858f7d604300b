/**
 * The Debian package, built with dpkg-deb from files in the repository (no network, no debhelper):
 * /usr/lib/mamori/mamori   the single executable
 * /usr/bin/mamori          runs it with the package's data directory (/var/lib/mamori/data)
 * /usr/share/mamori/data   the data snapshot, copied to /var/lib/mamori/data where `db update` can refresh it
 * /etc/mamori/config.yaml  the configuration (a conffile: an edited one survives upgrades)
 * /lib/systemd/system      mamori.service and mamori.timer, installed disabled
 * the man page and bash and zsh completion.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./bundle.ts";

const DEB_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };

const WRAPPER = `#!/bin/sh
# mamori from the Debian package: the data directory is /var/lib/mamori/data (seeded from
# /usr/share/mamori/data, refreshed by \`mamori db update\` and \`mamori iocs update\`) unless
# MAMORI_DATA_DIR or --data-dir says otherwise.
MAMORI_DATA_DIR="\${MAMORI_DATA_DIR:-/var/lib/mamori/data}"
export MAMORI_DATA_DIR
exec /usr/lib/mamori/mamori "$@"
`;

const POSTINST = `#!/bin/sh
set -e
if [ "$1" = configure ]; then
  # The data the scans read: the shipped snapshot, unless \`db update\` wrote newer files (cp -u keeps those).
  mkdir -p /var/lib/mamori/data
  chmod 0755 /var/lib/mamori /var/lib/mamori/data
  cp -R -u --preserve=timestamps /usr/share/mamori/data/. /var/lib/mamori/data/
  if [ -d /run/systemd/system ]; then systemctl --system daemon-reload >/dev/null 2>&1 || true; fi
fi
exit 0
`;

const PRERM = `#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop mamori.timer mamori.service >/dev/null 2>&1 || true
fi
exit 0
`;

const POSTRM = `#!/bin/sh
set -e
if [ "$1" = purge ]; then
  # An enabled timer's link, then the data this package put there. The history database and the
  # quarantine (evidence moved aside by \`mamori respond\`) are the admin's: kept.
  if command -v deb-systemd-helper >/dev/null 2>&1; then
    deb-systemd-helper purge mamori.timer mamori.service >/dev/null 2>&1 || true
  fi
  rm -f /etc/systemd/system/timers.target.wants/mamori.timer
  rm -rf /var/lib/mamori/data
  rmdir /var/lib/mamori 2>/dev/null || true
fi
if [ "$1" = remove ] || [ "$1" = purge ]; then
  if [ -d /run/systemd/system ]; then systemctl --system daemon-reload >/dev/null 2>&1 || true; fi
fi
exit 0
`;

function put(root: string, rel: string, content: string | Buffer, mode = 0o644): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
  fs.writeFileSync(p, content);
  fs.chmodSync(p, mode);
}

function copyTree(from: string, root: string, rel: string): void {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    if (e.isDirectory()) copyTree(src, root, path.join(rel, e.name));
    else put(root, path.join(rel, e.name), fs.readFileSync(src));
  }
}

function gz(file: string): Buffer {
  return execFileSync("gzip", ["-9n", "-c", file]);
}

function duKiB(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else total += Math.ceil(fs.statSync(p).size / 1024);
    }
  };
  walk(dir);
  return total;
}

/** Builds dist/mamori_<version>_<arch>.deb from the executable `exe`; returns its path. */
export function buildDeb(
  exe: string,
  version: string,
  dist: string,
  nodeArch: string = process.arch,
): string {
  const arch = DEB_ARCH[nodeArch];
  if (!arch) throw new Error(`no Debian architecture for ${nodeArch}`);
  const root = path.join(dist, `deb-root-${arch}`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { mode: 0o755 });
  fs.chmodSync(root, 0o755);
  const pk = (rel: string) => path.join(REPO, "packaging", rel);

  put(root, "usr/lib/mamori/mamori", fs.readFileSync(exe), 0o755);
  put(root, "usr/bin/mamori", WRAPPER, 0o755);
  copyTree(path.join(REPO, "data"), root, "usr/share/mamori/data");
  put(root, "etc/mamori/config.yaml", fs.readFileSync(path.join(REPO, "config/mamori.example.yaml")));
  put(root, "lib/systemd/system/mamori.service", fs.readFileSync(pk("systemd/mamori.service")));
  put(root, "lib/systemd/system/mamori.timer", fs.readFileSync(pk("systemd/mamori.timer")));
  put(root, "usr/share/man/man1/mamori.1.gz", gz(pk("man/mamori.1")));
  put(root, "usr/share/bash-completion/completions/mamori", fs.readFileSync(pk("completions/mamori.bash")));
  put(root, "usr/share/zsh/vendor-completions/_mamori", fs.readFileSync(pk("completions/_mamori")));
  put(
    root,
    "usr/share/doc/mamori/copyright",
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n" +
      "Upstream-Name: mamori\n\nFiles: *\nLicense: Apache-2.0\n" +
      " On Debian systems, the full text is in /usr/share/common-licenses/Apache-2.0.\n",
  );

  const control = [
    "Package: mamori",
    `Version: ${version}`,
    `Architecture: ${arch}`,
    "Maintainer: mamori developers <mamori@localhost>",
    `Installed-Size: ${duKiB(root)}`,
    // The official Node build inside needs glibc 2.28 and a C++11 libstdc++.
    "Depends: libc6 (>= 2.28), libstdc++6 (>= 5.2), libgcc-s1",
    "Section: admin",
    "Priority: optional",
    "Homepage: https://github.com/mamori/mamori",
    "Description: security checkup for Linux web servers that run Apache httpd",
    " mamori checks the Apache version against known vulnerabilities, the configuration,",
    " the logs for attacks, processes and files for miners, web shells and persistence,",
    " and exposed services. A systemd timer (disabled until enabled) scans periodically.",
    "",
  ].join("\n");
  put(root, "DEBIAN/control", control);
  put(root, "DEBIAN/conffiles", "/etc/mamori/config.yaml\n");
  put(root, "DEBIAN/postinst", POSTINST, 0o755);
  put(root, "DEBIAN/prerm", PRERM, 0o755);
  put(root, "DEBIAN/postrm", POSTRM, 0o755);

  const out = path.join(dist, `mamori_${version}_${arch}.deb`);
  fs.rmSync(out, { force: true });
  // --root-owner-group: files are root's whoever builds; xz keeps the 120 MB executable to about a quarter.
  execFileSync("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", root, out], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  fs.rmSync(root, { recursive: true, force: true });
  return out;
}
