// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${Version} is dpkg-query syntax.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { mamori } from "../helpers/cli.ts";
import { freePort, reachable } from "../helpers/net.ts";
import { tempDir } from "../helpers/tmp.ts";

const APACHE = "/usr/sbin/apache2";
const MODULES = "/usr/lib/apache2/modules";

function writeConfig(dir: string, port: number): string {
  fs.mkdirSync(path.join(dir, "htdocs"), { recursive: true });
  fs.mkdirSync(path.join(dir, "run"), { recursive: true });
  fs.writeFileSync(path.join(dir, "htdocs/index.html"), "ok\n");
  const conf = path.join(dir, "httpd.conf");
  const mods = ["mpm_event", "authz_core", "alias", "mime", "dir", "cgid", "autoindex"];
  fs.writeFileSync(
    conf,
    [
      `ServerRoot "${dir}"`,
      "TypesConfig /etc/mime.types",
      "ServerName 127.0.0.1",
      ...mods.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
      `Listen 127.0.0.1:${port}`,
      `PidFile ${dir}/httpd.pid`,
      `DefaultRuntimeDir ${dir}/run`,
      `Mutex file:${dir}/run default`,
      `ScriptSock ${dir}/run/cgisock`,
      // As root httpd must drop to a user; as anyone else it keeps its own.
      ...(process.getuid?.() === 0 ? ["User www-data", "Group www-data"] : []),
      `ErrorLog ${dir}/error.log`,
      `CustomLog ${dir}/access.log "%h %l %u %t \\"%r\\" %>s %b"`,
      "<Directory />",
      "    Require all denied",
      "</Directory>",
      `DocumentRoot ${dir}/htdocs`,
      `<Directory ${dir}/htdocs>`,
      "    Require all granted",
      "</Directory>",
      'Alias /icons/ "/usr/share/apache2/icons/"',
      "ServerTokens Prod",
      "",
    ].join("\n"),
  );
  return conf;
}

/** Starts `bin` with its own config on a free loopback port; stopped by pid when the test ends. */
async function startApache(t: TestContext, bin: string): Promise<{ pid: number; dir: string; port: number }> {
  const dir = tempDir(t, "mamori-apache-");
  let child: ReturnType<typeof spawn> | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    const conf = writeConfig(dir, port);
    const p = spawn(bin, ["-f", conf, "-DFOREGROUND"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    let up = false;
    for (let i = 0; i < 100 && p.exitCode === null; i++) {
      if (await reachable(port)) {
        up = true;
        break;
      }
      await sleep(100);
    }
    if (up) child = p;
    else {
      p.kill("SIGTERM");
      const log = fs.existsSync(path.join(dir, "error.log"))
        ? fs.readFileSync(path.join(dir, "error.log"), "utf8")
        : "";
      if (!/Address already in use|AH00072/.test(stderr + log))
        assert.fail(`apache2 did not start: ${stderr}${log}`);
    }
  }
  assert.ok(child?.pid, "apache2 started");
  const pid = child.pid;
  const proc = child;
  t.after(async () => {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
    for (let i = 0; i < 50 && proc.exitCode === null; i++) await sleep(100);
    if (proc.exitCode === null) process.kill(pid, "SIGKILL");
  });

  return { pid, dir, port };
}

test("a real Debian apache2: mamori reports its real version, the dpkg package and that CVE-2021-41773/42013 do not apply", {
  skip: !fs.existsSync(APACHE) && "apache2 is not installed",
  timeout: 60_000,
}, async (t) => {
  const { pid } = await startApache(t, APACHE);
  const version = /Apache\/(\d+\.\d+\.\d+)/.exec(execFileSync(APACHE, ["-v"], { encoding: "utf8" }))?.[1];
  const pkgVersion = execFileSync("dpkg-query", ["-W", "-f", "${Version}", "apache2-bin"], {
    encoding: "utf8",
  });

  const r = await mamori(["audit", "--format", "json", "--severity-threshold", "info"]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  const inst = doc.sections.apache.installations.find(
    (i: { binary: string; pids: number[] }) => i.binary === APACHE && i.pids.includes(pid),
  );
  assert.ok(inst, "the running apache2 is found");
  assert.ok(inst.pids.includes(pid), `pid ${pid} in ${inst.pids}`);
  assert.equal(inst.version, version);
  assert.equal(inst.versionSource, "package");
  assert.match(inst.product, new RegExp(`^Apache/${version?.replace(/\./g, "\\.")} \\(Debian\\)`));
  assert.equal(inst.owner.manager, "dpkg");
  assert.equal(inst.owner.name, "apache2-bin");
  assert.equal(inst.owner.source, "apache2");
  assert.equal(inst.owner.version, pkgVersion);
  assert.equal(inst.owner.origin, "distro");
  // Loaded modules come from the configuration's LoadModule lines (httpd -M, which loads them, is never run);
  // the compiled-in ones from `apache2 -l`, which reads no configuration.
  assert.ok(inst.modules.includes("cgid_module"), "cgid_module from LoadModule");
  assert.deepEqual(
    inst.liveModules,
    execFileSync(APACHE, ["-l"], { encoding: "utf8" }).trim().split(/\s+/).slice(3),
  );
  assert.equal(inst.mpm, "event");

  const exp = doc.findings.find(
    (f: { check: string; data: { installation: string; configFile?: string } }) =>
      f.check === "apache.exposure" &&
      f.data.installation === APACHE &&
      f.data.configFile === inst.configFile,
  );
  assert.equal(exp.data.verdict, "not-vulnerable");
  assert.deepEqual(exp.cves, []);
  assert.equal(exp.confidence, "confirmed");
  assert.match(exp.title, /not vulnerable to CVE-2021-41773\/42013/);
  assert.match(exp.detail, new RegExp(`Only 2\\.4\\.49 and 2\\.4\\.50 have this flaw; this is ${version}`));
  assert.match(exp.detail, new RegExp(`dpkg package apache2-bin ${pkgVersion.replace(/[.+~]/g, "\\$&")}`));
  assert.ok(
    exp.evidence.some(
      (e: { package?: string; version?: string }) => e.package === "apache2-bin" && e.version === pkgVersion,
    ),
  );
  // Patch state: no applying CVE claims to be CVE-2021-41773/42013.
  for (const f of doc.findings.filter((x: { check: string }) => x.check === "apache.cve"))
    assert.ok(!f.cves.includes("CVE-2021-41773") && !f.cves.includes("CVE-2021-42013"));
});

test("an Apache whose binary was deleted while running is found through /proc and judged by the code it runs", {
  skip: !fs.existsSync(APACHE) && "apache2 is not installed",
  timeout: 60_000,
}, async (t) => {
  const bindir = tempDir(t, "mamori-apache-bin-");
  const bin = path.join(bindir, "httpd");
  fs.copyFileSync(APACHE, bin);
  fs.chmodSync(bin, 0o755);
  const { pid } = await startApache(t, bin);
  fs.rmSync(bin);
  const version = /Apache\/(\d+\.\d+\.\d+)/.exec(execFileSync(APACHE, ["-v"], { encoding: "utf8" }))?.[1];
  const r = await mamori(["audit", "--format", "json", "--severity-threshold", "info"]);
  const doc = JSON.parse(r.stdout);
  const inst = doc.sections.apache.installations.find((i: { binary: string }) => i.binary === bin);
  assert.ok(inst, `found ${bin}`);
  assert.ok(inst.pids.includes(pid));
  assert.equal(inst.version, version);
  // Its path is gone and cannot be checked, so it is not run: the version is read from /proc/PID/exe.
  assert.equal(inst.versionSource, "binary-file");
  assert.ok(
    doc.warnings.some(
      (w: { reason: string; path?: string }) => w.reason === "replaced-while-running" && w.path === bin,
    ),
  );
  const exp = doc.findings.find(
    (f: { check: string; data: { installation: string } }) =>
      f.check === "apache.exposure" && f.data.installation === bin,
  );
  assert.equal(exp.data.verdict, "not-vulnerable");
});

/**
 * Debian's own layout on this machine's root: every file under mods-enabled, conf-enabled and
 * sites-enabled is a link into *-available. A fixture root holds plain files there, so only the live
 * root shows whether links are read (they were all refused with ELOOP once, and the audit saw no module,
 * site or log).
 */
test("the live root's stock Debian configuration is read whole: its enabled modules and sites are links", {
  skip: !fs.existsSync("/etc/apache2/mods-enabled") && "Debian's apache2 configuration is not installed",
}, async (t) => {
  const links = fs
    .readdirSync("/etc/apache2/mods-enabled")
    .filter((n) => fs.lstatSync(path.join("/etc/apache2/mods-enabled", n)).isSymbolicLink());
  assert.ok(links.length > 5, "apt installed the modules as links");
  const out = path.join(tempDir(t), "facts.json");
  const r = await mamori(["collect", "--output", out]);
  assert.equal(r.code, 0, r.stderr);
  const bundle = JSON.parse(fs.readFileSync(out, "utf8"));
  const inst = bundle.areas.apache.installations.find(
    (i: { config?: { mainFile: string } }) => i.config?.mainFile === "/etc/apache2/apache2.conf",
  );
  assert.ok(inst, "the stock configuration is read");
  const files: string[] = inst.config.files;
  for (const n of links.filter((l) => l.endsWith(".load")))
    assert.ok(files.includes(`/etc/apache2/mods-enabled/${n}`), `${n} read`);
  assert.ok(
    inst.config.modules.some((m: { id: string }) => /^mpm_/.test(m.id)),
    "an MPM module is loaded",
  );
  assert.ok(
    inst.config.logs.some((l: { target: string }) => l.target === "/var/log/apache2/access.log"),
    "the default site's CustomLog, with ${APACHE_LOG_DIR} from envvars",
  );
  const refused = JSON.stringify(bundle.notCollected ?? []);
  assert.doesNotMatch(refused, /\/etc\/apache2\/[^"]*"[^}]*ELOOP/);
});
