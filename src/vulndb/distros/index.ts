import type { PackageOwner } from "../types.ts";
import { debian } from "./debian.ts";
import type { DistroModule } from "./types.ts";

export type { DistroModule } from "./types.ts";

/** A distro whose snapshot keys are its os-release ID and release as they are. */
const plain = (id: string, name: string): DistroModule => ({ id, name });

/** Every distro the matcher knows. A distro adds its module and one line here. */
export const DISTROS: readonly DistroModule[] = [
  debian,
  plain("ubuntu", "Ubuntu"),
  plain("rhel", "Red Hat Enterprise Linux"),
  plain("centos", "CentOS"),
  plain("rocky", "Rocky Linux"),
  plain("almalinux", "AlmaLinux"),
  plain("fedora", "Fedora"),
  plain("amzn", "Amazon Linux"),
  plain("alpine", "Alpine"),
  plain("sles", "SUSE"),
];

/** The module for an os-release ID (its own or an alias), if mamori knows the distro. */
export function distroModule(id: string | undefined): DistroModule | undefined {
  const lower = id?.toLowerCase();
  if (!lower) return undefined;
  return DISTROS.find((d) => d.id === lower) ?? DISTROS.find((d) => d.aliases?.includes(lower));
}

/** "debian:buster" for a Debian package, from the release codename, number, or the +deb10u7 in its version. */
export function distroKey(owner: PackageOwner): string | undefined {
  const distro = owner.distro?.toLowerCase();
  if (!distro) return undefined;
  const module = distroModule(distro);
  const osRelease = owner.release?.toLowerCase().trim();
  const release = module?.release ? module.release(owner, osRelease) : osRelease;
  return release ? `${module?.id ?? distro}:${release}` : undefined;
}

/** How sentences name the package's distro: the module's name for its own ID, else the ID as written. */
export function distroName(owner: PackageOwner): string {
  const distro = owner.distro?.toLowerCase() ?? "";
  return DISTROS.find((d) => d.id === distro)?.name ?? owner.distro ?? "The distro";
}
