import type { DistroModule } from "./types.ts";

/** "9" of "9.4", or of an "el9_4" / "module+el8.10.0" release when os-release says nothing. */
function majorRelease(version: string, osRelease: string | undefined): string | undefined {
  const m = /^(\d+)/.exec(osRelease ?? "");
  if (m) return m[1];
  const v = /[._+]el(\d+)/.exec(version);
  return v ? v[1] : undefined;
}

/**
 * Red Hat Enterprise Linux and its rebuilds share one version-release per package, so one's errata
 * judge the others' packages. mamori has no Red Hat data of its own yet: AlmaLinux's and Rocky's stand in.
 */
function el(id: string, name: string, standIns: string[]): DistroModule {
  return {
    id,
    name,
    release: (owner, osRelease) => majorRelease(owner.version, osRelease),
    standIns,
    silence: "unknown",
  };
}

export const rhel = el("rhel", "Red Hat Enterprise Linux", ["almalinux", "rocky"]);
export const centos = el("centos", "CentOS", ["rhel", "almalinux", "rocky"]);
export const rocky = el("rocky", "Rocky Linux", ["rhel", "almalinux"]);
export const almalinux = el("almalinux", "AlmaLinux", ["rhel", "rocky"]);
export const ol = el("ol", "Oracle Linux", ["rhel", "almalinux", "rocky"]);
