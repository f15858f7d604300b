/**
 * Log4Shell against a host with no Java (issue 12: "failed right"): the logs Debian 2.4.71 wrote under
 * the apache-lab's traffic (../shared/corpus/apache-lab/deb) put in a Debian fixture root, collected
 * with `mamori collect`, and judged with `mamori check` as the host's other areas saw it. A fixture root
 * has no processes, so the hunting facts are those of a live host, written here: what is asserted is
 * how the judgement follows them (each way Java could be present keeps the outcome unknown).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { liveProcess } from "../../scripts/lab-accuracy.ts";
import { fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const LAB = path.resolve(import.meta.dirname, "../../../shared/corpus/apache-lab/deb");
const present = fs.existsSync(path.join(LAB, "access_log"));

const HOST = [
  liveProcess(1, "systemd", "/usr/lib/systemd/systemd"),
  liveProcess(420, "sshd", "/usr/sbin/sshd"),
  liveProcess(500, "apache2", "/usr/sbin/apache2"),
];

type Bundle = {
  areas: {
    hunt: { live: boolean; processes: unknown[] };
    inventory: { items: Array<{ kind: string; key: string; value: string }> };
    apache: { installations: Array<{ config?: { modules: Array<{ id: string; source: string }> } }> };
  };
};

interface Event {
  attack: string;
  outcome: string;
  why: string;
}

const PHP_ATTACKS = new Set([
  "thinkphp-rce",
  "thinkphp-captcha-rce",
  "cve-2024-4577",
  "cve-2017-9841",
  "pearcmd-lfi",
  "webshell",
  "webshell-sweep",
]);

/** One lab server's logs collected from a Debian fixture root, judged as a live host with `change` applied. */
async function labHost(t: { after: (fn: () => void) => void }, server: string) {
  const lab = path.join(LAB, "..", server);
  const root = tempDir(t);
  fs.cpSync(fixtureRoot("debian12"), root, { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(root, "var/log/apache2"), { recursive: true });
  fs.copyFileSync(path.join(lab, "access_log"), path.join(root, "var/log/apache2/access.log"));
  fs.copyFileSync(path.join(lab, "error_log"), path.join(root, "var/log/apache2/error.log"));
  const factsFile = path.join(root, "..", `${path.basename(root)}.facts.json`);
  t.after(() => fs.rmSync(factsFile, { force: true }));
  const collected = await mamori(["collect", "--root", root, "--output", factsFile]);
  assert.equal(collected.code, 0, collected.stderr);
  const base = JSON.parse(fs.readFileSync(factsFile, "utf8")) as Bundle;
  assert.ok(
    base.areas.inventory.items.some((i) => i.kind === "package"),
    "the fixture's dpkg status was read",
  );
  return async (change: (b: Bundle) => void, lang = "en") => {
    const b = structuredClone(base);
    b.areas.hunt.live = true;
    b.areas.hunt.processes = [...HOST];
    change(b);
    const file = path.join(root, `judge-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(b));
    const r = await mamori([
      "check",
      file,
      "--format",
      "json",
      "--lang",
      lang,
      "--now",
      "2026-12-05T00:00:00Z",
    ]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    return {
      events: doc.sections.logs.events as Event[],
      findings: doc.findings as Array<{
        check: string;
        severity: string;
        detail: string;
        data: { attack: string; outcome: string };
      }>,
    };
  };
}

test("PHP exploits on a host with no PHP: failed on the shop that answers every path, unless PHP could be there", {
  skip: !present && "apache-lab corpus not present",
}, async (t) => {
  const judge = await labHost(t, "deb-app");
  const php = (r: { events: Event[] }) => r.events.filter((e) => PHP_ATTACKS.has(e.attack));
  const none = await judge(() => {});
  // deb-app answers every path with a page of its own (200, a size each): from the log alone these are
  // unknown; the lab's truth is failed (no PHP on the host).
  assert.ok(php(none).length >= 25, `PHP attack events: ${php(none).length}`);
  assert.deepEqual(
    [...new Set(php(none).map((e) => e.outcome))],
    ["failed"],
    "every PHP attack failed where nothing runs PHP",
  );
  const noPhp = php(none).filter((e) => e.why === "no-php").length;
  assert.ok(noPhp >= 25, `failed for want of PHP: ${noPhp}`);
  const f = none.findings.find((x) => x.check === "logs.exploit" && x.data.attack === "cve-2017-9841");
  assert.equal(f?.severity, "low");
  assert.match(f?.detail ?? "", /nothing on this host runs PHP/);
  const ja = await judge(() => {}, "ja");
  assert.ok(
    ja.findings.some((x) => x.data?.attack === "cve-2017-9841" && /PHP は動いていません/.test(x.detail)),
    "Japanese",
  );
  // Log4Shell on the same host: no Java either.
  assert.ok(none.events.filter((e) => e.attack === "cve-2021-44228").every((e) => e.outcome === "failed"));

  const unknownAgain = (r: { events: Event[] }, what: string) =>
    assert.ok(
      php(r).every((e) => e.outcome !== "failed" || e.why !== "no-php") &&
        php(r).filter((e) => e.outcome === "unknown").length >= 25,
      `${what}: ${[...new Set(php(r).map((e) => `${e.outcome} ${e.why}`))].join(", ")}`,
    );
  unknownAgain(
    await judge((b) => {
      b.areas.hunt.processes.push(liveProcess(902, "php-fpm8.2", "/usr/sbin/php-fpm8.2"));
    }),
    "php-fpm running",
  );
  unknownAgain(
    await judge((b) => {
      b.areas.inventory.items.push({ kind: "package", key: "libapache2-mod-php8.2:amd64", value: "8.2.26" });
    }),
    "mod_php installed",
  );
  unknownAgain(
    await judge((b) => {
      b.areas.apache.installations[0]?.config?.modules.push({
        id: "proxy_fcgi_module",
        source: "mod_proxy_fcgi.c",
      });
    }),
    "mod_proxy_fcgi loaded (PHP-FPM anywhere)",
  );
});

test("Log4Shell on a host where nothing runs Java: failed, unless a process, a package or a proxy module could have run it", {
  skip: !present && "apache-lab corpus not present",
}, async (t) => {
  const host = await labHost(t, "deb");
  const judge = async (change: (b: Bundle) => void, lang = "en") => {
    const r = await host(change, lang);
    const events = r.events.filter((e) => e.attack === "cve-2021-44228");
    assert.equal(events.length, 12, "the lab's twelve Log4Shell lines");
    const findings = r.findings.filter(
      (f) => f.check === "logs.exploit" && f.data.attack === "cve-2021-44228",
    );
    return { events, findings };
  };

  // No JVM running, no Java package, no forwarding module: every line failed, and the finding says why.
  const none = await judge(() => {});
  assert.deepEqual(
    [...new Set(none.events.map((e) => `${e.outcome} ${e.why}`))],
    ["failed no-java"],
    "Log4Shell failed where nothing runs Java",
  );
  for (const f of none.findings) {
    assert.equal(f.severity, "low");
    assert.match(f.detail, /nothing on this host runs one/);
  }
  const ja = await judge(() => {}, "ja");
  assert.match(ja.findings[0]?.detail ?? "", /Java は動いていません/);

  const stillUnknown = (events: Event[], what: string) =>
    assert.ok(
      events.every((e) => e.outcome === "unknown"),
      `${what}: ${[...new Set(events.map((e) => `${e.outcome} ${e.why}`))].join(", ")}`,
    );
  // A JVM among the processes (a Tomcat behind a reverse proxy, a container's Java app).
  stillUnknown(
    (
      await judge((b) => {
        b.areas.hunt.processes.push(liveProcess(900, "java", "/usr/lib/jvm/java-17/bin/java"));
      })
    ).events,
    "a java process",
  );
  // A Java runtime installed, even if nothing runs it now.
  stillUnknown(
    (
      await judge((b) => {
        b.areas.inventory.items.push({
          kind: "package",
          key: "openjdk-17-jre-headless:amd64",
          value: "17.0.13",
        });
      })
    ).events,
    "a Java package",
  );
  // Apache may pass requests to an application on another host.
  stillUnknown(
    (
      await judge((b) => {
        b.areas.apache.installations[0]?.config?.modules.push({
          id: "proxy_http_module",
          source: "mod_proxy_http.c",
        });
      })
    ).events,
    "mod_proxy_http loaded",
  );
  // nginx in front: the logs read may be its own, and it may forward anywhere.
  stillUnknown(
    (
      await judge((b) => {
        b.areas.hunt.processes.push(liveProcess(901, "nginx", "/usr/sbin/nginx"));
      })
    ).events,
    "nginx running",
  );
  // The process list of a root mamori did not run on (a mounted image): nothing is known of what ran.
  stillUnknown(
    (
      await judge((b) => {
        b.areas.hunt.live = false;
        b.areas.hunt.processes = [];
      })
    ).events,
    "not live",
  );
});

test("mamori logs alone says which attacks hang on a runtime it cannot see, and how to judge them", {
  skip: !present && "apache-lab corpus not present",
}, async () => {
  const files = [path.join(LAB, "access_log"), path.join(LAB, "error_log")];
  const json = JSON.parse((await mamori(["logs", "--format", "json", ...files])).stdout);
  const log4shell = json.sections.logs.attacks.find((a: { attack: string }) => a.attack === "cve-2021-44228");
  assert.equal(log4shell?.runtime, "java");
  assert.equal(log4shell?.unknown, 12);
  const en = (await mamori(["logs", "--lang", "en", ...files])).stdout;
  assert.match(en, /depends on whether this server runs Java[^\n]*mamori audit/);
  const ja = (await mamori(["logs", "--lang", "ja", ...files])).stdout;
  assert.match(ja, /Java が動いているか[^\n]*mamori audit/);
});
