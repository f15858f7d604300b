import type { DistroModule } from "./types.ts";

/** os-release gives VERSION_CODENAME, which the collector prefers; Ubuntu's OSV keys releases by number. */
export const UBUNTU_RELEASES: Record<string, string> = {
  trusty: "14.04",
  xenial: "16.04",
  bionic: "18.04",
  focal: "20.04",
  jammy: "22.04",
  noble: "24.04",
  oracular: "24.10",
  plucky: "25.04",
  questing: "25.10",
  resolute: "26.04",
};

export const ubuntu: DistroModule = {
  id: "ubuntu",
  name: "Ubuntu",
  release(owner, osRelease) {
    if (osRelease && UBUNTU_RELEASES[osRelease]) return UBUNTU_RELEASES[osRelease];
    const m = /^(\d{2}\.\d{2})/.exec(osRelease ?? "");
    if (m) return m[1];
    // "2.4.41-4ubuntu3.21" does not name its release; "~22.04" backports do.
    const v = /~(\d{2}\.\d{2})/.exec(owner.version);
    return v ? v[1] : undefined;
  },
  silence: "unknown",
};
