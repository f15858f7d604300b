import type { DistroModule } from "./types.ts";

/** secdb keys branches "v3.20"; a package from 3.20.3 is in branch 3.20. Alpine ships upstream releases. */
export const alpine: DistroModule = {
  id: "alpine",
  name: "Alpine",
  release(_owner, osRelease) {
    const m = /^v?(\d+\.\d+)/.exec(osRelease ?? "");
    return m ? m[1] : osRelease;
  },
  silence: "upstream",
};
