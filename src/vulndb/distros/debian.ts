import { DEBIAN_CODENAMES, DEBIAN_RELEASE_DATES } from "../sources/debian.ts";
import type { DistroModule } from "./types.ts";

/** Debian's tracker keys releases by codename; a package says "12" or only "+deb12u2" in its version. */
export const debian: DistroModule = {
  id: "debian",
  name: "Debian",
  aliases: ["raspbian"],
  release(owner, osRelease) {
    let release = osRelease;
    if (release && DEBIAN_CODENAMES[release.split(".")[0] as string] && /^\d/.test(release))
      release = DEBIAN_CODENAMES[release.split(".")[0] as string];
    if (!release) {
      const m = /[+~]deb(\d+)u\d+/.exec(owner.version);
      release = m ? DEBIAN_CODENAMES[m[1] as string] : undefined;
    }
    return release;
  },
  releasedOn: (release) => DEBIAN_RELEASE_DATES[release],
};
