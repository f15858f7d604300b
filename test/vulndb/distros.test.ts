import assert from "node:assert/strict";
import { test } from "node:test";
import { DISTROS, distroKey, distroModule, distroName } from "../../src/vulndb/distros/index.ts";
import type { PackageOwner } from "../../src/vulndb/types.ts";

const owner = (distro: string, release?: string, version = "2.4.62-1"): PackageOwner => ({
  manager: "dpkg",
  name: "apache2",
  version,
  distro,
  release,
  origin: "distro",
});

test("the distro registry: one module per distro, ids unique, aliases resolve to their distro", () => {
  const ids = DISTROS.map((d) => d.id);
  assert.deepEqual(ids, [...new Set(ids)]);
  assert.equal(distroModule("Raspbian")?.id, "debian");
  assert.equal(distroModule("gentoo"), undefined);
});

test("release keys: Debian's codenames from numbers and versions, other distros as os-release says", () => {
  assert.equal(distroKey(owner("debian", "12")), "debian:bookworm");
  assert.equal(distroKey(owner("debian", undefined, "2.4.38-3+deb10u7")), "debian:buster");
  assert.equal(distroKey(owner("ubuntu", " 22.04 ")), "ubuntu:22.04");
  assert.equal(distroKey(owner("Gentoo", "2.15")), "gentoo:2.15");
  assert.equal(distroKey(owner("ubuntu")), undefined);
  assert.equal(distroName(owner("rhel", "9")), "Red Hat Enterprise Linux");
  assert.equal(distroName(owner("Gentoo", "2.15")), "Gentoo");
  assert.equal(distroModule("debian")?.releasedOn?.("bookworm"), "2023-06-10");
});
