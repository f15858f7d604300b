import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DISTROS,
  distroKey,
  distroKeys,
  distroModule,
  distroName,
  releaseName,
} from "../../src/vulndb/distros/index.ts";
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

test("release keys of Ubuntu, the EL family and Alpine, and the stand-ins for RHEL, CentOS and Rocky", () => {
  const rpm = (distro: string, release: string | undefined, version: string): PackageOwner => ({
    manager: "rpm",
    name: "httpd",
    version,
    distro,
    release,
    origin: "distro",
  });
  assert.equal(distroKey(owner("ubuntu", "focal")), "ubuntu:20.04");
  assert.equal(distroKey(owner("ubuntu", "noble")), "ubuntu:24.04");
  assert.equal(distroKey(owner("ubuntu", "24.04.1")), "ubuntu:24.04");
  assert.equal(distroKey(rpm("almalinux", "9.4", "2.4.62-1.el9")), "almalinux:9");
  assert.equal(distroKey(rpm("rhel", undefined, "2.4.37-65.module+el8.10.0+22069+b47f5c72.9")), "rhel:8");
  assert.equal(distroKey({ ...owner("alpine", "3.20.3"), manager: "apk" }), "alpine:3.20");
  assert.deepEqual(distroKeys(rpm("rhel", "9", "2.4.62-1.el9")), ["rhel:9", "almalinux:9", "rocky:9"]);
  assert.deepEqual(distroKeys(rpm("rocky", "9", "2.4.62-1.el9")), ["rocky:9", "rhel:9", "almalinux:9"]);
  assert.deepEqual(distroKeys(rpm("centos", "8", "2.4.37-1.el8")), [
    "centos:8",
    "rhel:8",
    "almalinux:8",
    "rocky:8",
  ]);
  assert.deepEqual(distroKeys(owner("ubuntu", "jammy")), ["ubuntu:22.04"]);
  assert.equal(releaseName("almalinux:9"), "AlmaLinux 9");
});
