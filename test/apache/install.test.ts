import assert from "node:assert/strict";
import { test } from "node:test";
import { scanContext } from "../../src/audit/context.ts";
import { readBinaryStrings } from "../../src/collect/apache/binary.ts";
import { collectApache } from "../../src/collect/apache/index.ts";
import { parseCompiledModules, parseVersionOutput } from "../../src/collect/apache/live.ts";
import { apkOwner, dpkgOwner } from "../../src/collect/apache/packages.ts";
import { isThirdPartyVersion, upstreamOfPackageVersion } from "../../src/collect/apache/version.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

const ctxFor = (root: string) =>
  scanContext(
    { root, now: () => new Date("2026-01-01T00:00:00Z"), lang: "en", dataDir: "/nonexistent" },
    { PATH: "" },
  );

test("the version string is found across a 1 MiB chunk boundary, with its platform suffix, in a file larger than one chunk", (t) => {
  const dir = tempDir(t);
  const pad = Buffer.alloc(1024 * 1024 - 7, 0x41);
  const tail = Buffer.from(
    '\0Apache/2.4.49 (Unix)\0 -D HTTPD_ROOT="/opt/web"\0 -D SERVER_CONFIG_FILE="conf/web.conf"\0',
  );
  writeTree(dir, {
    "opt/web/bin/httpd": Buffer.concat([
      Buffer.from("Apache/2.4.49  Server at"),
      pad,
      tail,
      Buffer.alloc(3 * 1024 * 1024),
    ]),
  });
  const s = readBinaryStrings(new RootFs(dir), "/opt/web/bin/httpd");
  assert.equal(s.version, "2.4.49");
  assert.equal(s.product, "Apache/2.4.49 (Unix)");
  assert.equal(s.httpdRoot, "/opt/web");
  assert.equal(s.serverConfigFile, "conf/web.conf");
  // Compiled-in module names can sit anywhere, so the whole file is read (bounded at 64 MB).
  assert.equal(s.bytesRead, 24 + pad.length + tail.length + 3 * 1024 * 1024);
  assert.equal(s.truncated, false);
  assert.equal(s.elf, false);
});

test("compiled-in modules come from the module name strings in the binary, core.c always among them", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "usr/sbin/httpd": Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
      Buffer.from(
        "\0Apache/2.4.62 (Unix)\0mod_so.c\0http_core.c\0/build/httpd/modules/mod_cgid.c\0event.c\0",
      ),
      Buffer.from("see mod_notamodule.c\0xmod_x.c\0"),
    ]),
    "usr/sbin/plain": "\0mod_so.c\0",
  });
  const s = readBinaryStrings(new RootFs(dir), "/usr/sbin/httpd");
  assert.equal(s.elf, true);
  assert.deepEqual(s.staticModules, ["core.c", "event.c", "http_core.c", "mod_cgid.c", "mod_so.c"]);
  // Without an Apache version string the names mean nothing.
  assert.equal(readBinaryStrings(new RootFs(dir), "/usr/sbin/plain").staticModules, undefined);
});

test("package versions: upstream part and third-party builds", () => {
  assert.equal(upstreamOfPackageVersion("2.4.38-3+deb10u7"), "2.4.38");
  assert.equal(upstreamOfPackageVersion("1:2.4.57-r0"), "2.4.57");
  assert.equal(upstreamOfPackageVersion("2.4.37-62.module+el8.9.0+1436+4b6d9c18"), "2.4.37");
  assert.ok(isThirdPartyVersion("2.4.49-1+ubuntu20.04.1+deb.sury.org+1"));
  assert.ok(isThirdPartyVersion("2.4.49-1~ppa1~focal"));
  assert.ok(!isThirdPartyVersion("2.4.41-4ubuntu3.14"));
  assert.ok(!isThirdPartyVersion("2.4.62-1~deb12u2"));
});

test("dpkg: the owner comes from info/*.list, multi-arch names and usr-merged paths included", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "etc/os-release": "ID=ubuntu\nVERSION_ID=22.04\nVERSION_CODENAME=jammy\n",
    "var/lib/dpkg/status":
      "Package: web-server-custom\nStatus: install ok installed\nVersion: 1.0\n\nPackage: apache2-bin\nStatus: install ok installed\nSource: apache2\nVersion: 2.4.52-1ubuntu4.12\n\n",
    "var/lib/dpkg/info/web-server-custom:amd64.list": "/.\n/usr/sbin/httpd\n",
    "var/lib/dpkg/info/apache2-bin.list": "/.\n/usr/sbin/apache2\n",
  });
  const ctx = ctxFor(dir);
  const a = dpkgOwner(ctx, "/usr/sbin/apache2").found;
  assert.deepEqual(
    [a?.owner.name, a?.owner.source, a?.owner.version, a?.owner.release, a?.owner.origin, a?.line],
    ["apache2-bin", "apache2", "2.4.52-1ubuntu4.12", "jammy", "distro", 5],
  );
  assert.equal(dpkgOwner(ctx, "/sbin/apache2").found?.owner.name, "apache2-bin");
  assert.equal(dpkgOwner(ctx, "/usr/sbin/httpd").found?.owner.name, "web-server-custom");
  assert.equal(dpkgOwner(ctx, "/usr/local/apache2/bin/httpd").found, undefined);
});

test("apk: lib/apk/db/installed names the package that owns usr/sbin/httpd", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "etc/os-release": "ID=alpine\nVERSION_ID=3.19.1\n",
    "lib/apk/db/installed":
      "C:Q1abc=\nP:musl\nV:1.2.4-r2\nF:lib\nR:ld-musl-x86_64.so.1\n\nC:Q1def=\nP:apache2\nV:2.4.58-r1\no:apache2\nF:usr/sbin\nR:httpd\nR:apachectl\n\n",
  });
  const o = apkOwner(ctxFor(dir), "/usr/sbin/httpd").found?.owner;
  assert.deepEqual([o?.manager, o?.name, o?.version, o?.release], ["apk", "apache2", "2.4.58-r1", "3.19"]);
});

test("apache2 -v and -l output parse", () => {
  const v = parseVersionOutput(
    "Server version: Apache/2.4.71 (Debian)\nServer built:   2026-11-12T08:58:41\n",
  );
  assert.deepEqual(v, { product: "Apache/2.4.71 (Debian)", version: "2.4.71" });
  assert.deepEqual(parseCompiledModules("Compiled in modules:\n  core.c\n  mod_so.c\n  http_core.c\n"), [
    "core.c",
    "mod_so.c",
    "http_core.c",
  ]);
  assert.deepEqual(parseCompiledModules("AH00111: Config variable\n  mod_evil.c\n"), []);
});

test("discovery: /opt/*/bin/httpd and symlinked duplicates become one installation", async (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "opt/web/bin/httpd":
      'Apache/2.4.58 (Unix)\0 -D HTTPD_ROOT="/opt/web"\0 -D SERVER_CONFIG_FILE="conf/httpd.conf"\0',
    "opt/web/conf/httpd.conf": "ServerTokens Prod\n",
  });
  const fs = await import("node:fs");
  fs.mkdirSync(`${dir}/usr/local/sbin`, { recursive: true });
  fs.symlinkSync("/opt/web/bin/httpd", `${dir}/usr/local/sbin/httpd`);
  const facts = await collectApache(ctxFor(dir));
  assert.equal(facts.installations.length, 1);
  const i = facts.installations[0];
  assert.equal(i?.binary, "/opt/web/bin/httpd");
  assert.deepEqual(i?.aliases, ["/usr/local/sbin/httpd"]);
  assert.equal(i?.version, "2.4.58");
  assert.equal(i?.versionSource, "binary-file");
  assert.equal(i?.config?.serverTokens?.value, "Prod");
});
