import type { PackageOwner } from "../types.ts";
import { alpine } from "./alpine.ts";
import { debian } from "./debian.ts";
import { almalinux, centos, ol, rhel, rocky } from "./el.ts";
import type { DistroModule } from "./types.ts";
import { ubuntu } from "./ubuntu.ts";

export type { DistroModule } from "./types.ts";

/** A distro whose snapshot keys are its os-release ID and release as they are. */
const plain = (id: string, name: string): DistroModule => ({ id, name });

/** Every distro the matcher knows. A distro adds its module and one line here. */
export const DISTROS: readonly DistroModule[] = [
  debian,
  ubuntu,
  rhel,
  centos,
  rocky,
  almalinux,
  ol,
  plain("fedora", "Fedora"),
  plain("amzn", "Amazon Linux"),
  alpine,
  plain("sles", "SUSE"),
  plain("opensuse-leap", "openSUSE Leap"),
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

/**
 * The release keys whose data may judge this package, best first: its own distro's, then the stand-ins'
 * ("rhel:9" -> "almalinux:9", "rocky:9"). The matcher uses the first one the snapshot has data for.
 */
export function distroKeys(owner: PackageOwner): string[] {
  const own = distroKey(owner);
  if (!own) return [];
  const module = distroModule(owner.distro);
  const release = own.slice(own.indexOf(":") + 1);
  return [own, ...(module?.standIns ?? []).map((d) => `${d}:${release}`)];
}

/** "AlmaLinux 9" for the key "almalinux:9". */
export function releaseName(key: string): string {
  const [id, release] = key.split(":");
  const name = DISTROS.find((d) => d.id === id)?.name ?? id ?? "";
  return release ? `${name} ${release}` : name;
}
