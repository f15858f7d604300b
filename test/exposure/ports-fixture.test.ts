import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parseIptablesSave, parseNftables, parseUfwRules } from "../../src/collect/exposure/firewall.ts";
import { renderText, type Text } from "../../src/core/message.ts";
import { shellQuote } from "../../src/core/shell-quote.ts";
import { translator } from "../../src/i18n/index.ts";
import type { RenderedFinding as CoreFinding } from "../../src/report/localize.ts";
import { mamori } from "../helpers/cli.ts";

/** `data.firewall.how` is keyed text (a machine reader renders it in its own language). */
const en = (x: Text) => renderText(x, translator("en"));

import { tempDir } from "../helpers/tmp.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/exposure");

/** An exposure finding: the contract's fields, with the `data` keys README lists for `exposure.*`. */
type Finding = Omit<CoreFinding, "data"> & {
  data: {
    service?: string;
    port?: number;
    protocol?: string;
    address?: string;
    pid?: number;
    process?: string;
    package?: string;
    firewall?: { blocked: boolean | null; how: Text };
  };
};

/** The recorded server (sockets, processes, configs) plus one firewall variant, copied into a fresh root. */
function root(t: { after: (fn: () => void) => void }, firewall?: string): string {
  const dir = tempDir(t);
  fs.cpSync(path.join(FIXTURES, "public-services"), dir, { recursive: true, verbatimSymlinks: true });
  if (firewall)
    fs.cpSync(path.join(FIXTURES, "firewall", firewall), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

async function ports(dir: string, ...extra: string[]) {
  const r = await mamori([
    "ports",
    "--root",
    dir,
    "--format",
    "json",
    "--severity-threshold",
    "info",
    ...extra,
  ]);
  assert.notEqual(r.code, 2, r.stderr);
  const doc = JSON.parse(r.stdout);
  const findings = doc.findings as Finding[];
  const svc = (service: string, protocol = "tcp") => {
    const f = findings.find(
      (x) => x.check === "exposure.service" && x.data.service === service && x.data.protocol === protocol,
    );
    assert.ok(f, `no exposure.service finding for ${service}`);
    return f;
  };
  return { r, doc, findings, svc };
}

test("fixture root, no firewall: public services with why, the config line and the exact commands", async (t) => {
  const dir = root(t);
  const { r, findings, svc } = await ports(dir);
  assert.equal(r.code, 1);
  const redis = svc("redis");
  assert.equal(redis.severity, "high");
  // Both of its sockets are every interface; addresses in code-unit order put IPv4's first.
  assert.equal(redis.data.address, "0.0.0.0");
  assert.equal(redis.data.pid, 1001);
  assert.equal(redis.data.process, "redis-server");
  assert.equal(redis.data.package, "redis-tools");
  assert.equal(redis.data.firewall?.blocked, false);
  assert.match(redis.detail, /cryptomining/);
  assert.ok(
    redis.evidence.some(
      (e) => e.path === "/etc/redis/redis.conf" && e.line === 3 && e.value === "bind 0.0.0.0",
    ),
  );
  assert.ok(redis.evidence.some((e) => e.pid === 1001 && e.path === "/usr/bin/redis-check-rdb"));
  assert.ok(redis.evidence.some((e) => e.label === "socket" && /0\.0\.0\.0:6379/.test(e.value ?? "")));
  assert.match(redis.remediation, /\/etc\/redis\/redis\.conf line 3/);
  assert.deepEqual(redis.commands?.slice(-3), [
    "systemctl restart redis-server.service",
    "# or, if it is not needed at all:",
    "systemctl disable --now redis-server.service",
  ]);
  assert.equal(svc("docker-api").severity, "critical");
  assert.equal(svc("memcached", "udp").severity, "high");
  const mysql = svc("mysql");
  assert.equal(mysql.severity, "medium");
  assert.ok(mysql.evidence.some((e) => e.path === "/etc/mysql/mariadb.conf.d/50-server.cnf" && e.line === 9));
  const pg = svc("postgresql");
  assert.ok(pg.evidence.some((e) => e.path === "/etc/postgresql/15/main/postgresql.conf" && e.line === 4));
  assert.ok(
    pg.commands?.includes("systemctl disable --now postgresql@15-main.service"),
    "the unit comes from the process's cgroup",
  );
  // A private address is reachable from that network only: one step lower than on a public one.
  assert.equal(svc("mongodb").severity, "medium");
  // Its config file is not at a standard place: found from its command line (--config /srv/mongo/mongod.conf).
  assert.ok(svc("mongodb").evidence.some((e) => e.path === "/srv/mongo/mongod.conf" && e.line === 5));
  // Loopback only: info at most.
  const memLo = svc("memcached", "tcp");
  assert.equal(memLo.severity, "info");
  assert.match(memLo.title, /loopback only/);
  // Other open ports: low; the expected web/ssh ports: info; the established connection is not a listener.
  const other = findings.find((f) => f.check === "exposure.port" && f.data.port === 8081);
  assert.equal(other?.severity, "low");
  assert.equal(findings.find((f) => f.data.port === 22)?.severity, "info");
  const fw = findings.find((f) => f.check === "exposure.firewall");
  assert.equal(fw?.severity, "medium");
  assert.match(fw?.title ?? "", /No enabled firewall/);
  // Every finding id is stable across runs.
  const again = await ports(dir);
  assert.deepEqual(
    again.findings.map((f) => f.id),
    findings.map((f) => f.id),
  );
});

test("fixture root: mod_status and mod_info open to everyone, with the <Location> line and a working fix", async (t) => {
  const dir = root(t);
  const { findings } = await ports(dir);
  const status = findings.find((f) => f.data.service === "apache-status");
  assert.equal(status?.severity, "medium");
  assert.match(status?.title ?? "", /\/server-status/);
  assert.ok(
    status?.evidence.some(
      (e) =>
        e.path === "/etc/apache2/mods-enabled/status.conf" &&
        e.line === 6 &&
        e.value === "Require all granted",
    ),
  );
  assert.equal(status?.data.port, 80);
  const info = findings.find((f) => f.data.service === "apache-info");
  assert.match(info?.detail ?? "", /no Require line/);
  for (const [f, file] of [
    [status, "/etc/apache2/mods-enabled/status.conf"],
    [info, "/etc/apache2/mods-enabled/info.conf"],
  ] as const) {
    const sed = f?.commands?.[0] ?? "";
    execFileSync("sh", ["-c", sed.replace(shellQuote(file), shellQuote(`${dir}${file}`))]);
    const text = fs.readFileSync(`${dir}${file}`, "utf8");
    assert.match(text, /^\s*Require local$/m);
    assert.doesNotMatch(text, /Require all granted/);
  }
  // After the fix, a new scan finds nothing open.
  const after = await ports(dir);
  assert.ok(
    !after.findings.some((f) => f.data.service === "apache-status" || f.data.service === "apache-info"),
  );
});

test("the generated config commands really make the change (run on a copy)", async (t) => {
  const dir = root(t);
  const { svc } = await ports(dir);
  for (const [service, file, want] of [
    ["redis", "/etc/redis/redis.conf", /^bind 127\.0\.0\.1 -::1$/m],
    ["mongodb", "/srv/mongo/mongod.conf", /^net:\n {2}port: 27017\n {2}bindIp: 127\.0\.0\.1$/m],
    ["postgresql", "/etc/postgresql/15/main/postgresql.conf", /^listen_addresses = 'localhost'$/m],
  ] as const) {
    const sed = svc(service).commands?.find((c) => c.startsWith("sed "));
    assert.ok(sed, service);
    // Point the command at the copy under the fixture root, then run it with the real shell.
    execFileSync("sh", ["-c", sed.replace(shellQuote(file), shellQuote(`${dir}${file}`))]);
    assert.match(fs.readFileSync(`${dir}${file}`, "utf8"), want);
    assert.ok(fs.existsSync(`${dir}${file}.bak`));
  }
});

test("fixture root + ufw enabled (default deny): blocked ports are reported lower and the report says how it knows", async (t) => {
  const { findings, svc } = await ports(root(t, "ufw"));
  const redis = svc("redis");
  assert.equal(redis.severity, "low");
  assert.equal(redis.data.firewall?.blocked, true);
  assert.match(en(redis.data.firewall?.how ?? ""), /ufw default policy drop \(\/etc\/default\/ufw:5\)/);
  assert.ok(
    redis.evidence.some((e) => e.label === "firewall" && e.path === "/etc/default/ufw" && e.line === 5),
  );
  // 3306 is allowed from 10.0.0.0/8 only: still blocked for everyone else.
  assert.equal(svc("mysql").data.firewall?.blocked, true);
  // Dual-stack docker on :: is blocked on both families (user.rules and user6.rules).
  assert.equal(svc("docker-api").severity, "low");
  const ssh = findings.find((f) => f.data.port === 22);
  assert.equal(ssh?.data.firewall?.blocked, false);
  assert.match(en(ssh?.data.firewall?.how ?? ""), /allowed by the ufw rule at \/etc\/ufw\/user\.rules:6/);
  const fw = findings.filter((f) => f.check === "exposure.firewall");
  assert.equal(fw.length, 1);
  assert.equal(fw[0]?.severity, "info");
  assert.match(fw[0]?.title ?? "", /ufw, default drop/);
});

test("fixture root + ufw enabled without user rules files: its default policy still blocks", async (t) => {
  const dir = root(t, "ufw");
  fs.rmSync(path.join(dir, "etc/ufw/user.rules"));
  fs.rmSync(path.join(dir, "etc/ufw/user6.rules"));
  const { svc } = await ports(dir);
  assert.equal(svc("redis").data.firewall?.blocked, true);
  assert.equal(svc("redis").severity, "low");
});

test("fixture root + nftables enabled: an accept rule keeps redis open, the policy drops mysql", async (t) => {
  const { svc } = await ports(root(t, "nftables"));
  const redis = svc("redis");
  assert.equal(redis.severity, "high");
  assert.equal(redis.data.firewall?.blocked, false);
  assert.match(en(redis.data.firewall?.how ?? ""), /nftables rule at \/etc\/nftables\.conf:11/);
  const mysql = svc("mysql");
  assert.equal(mysql.severity, "low");
  assert.match(en(mysql.data.firewall?.how ?? ""), /default policy drop \(\/etc\/nftables\.conf:7\)/);
});

test("fixture root + iptables rules.v4 (netfilter-persistent enabled): v4 drop, but IPv6 stays open", async (t) => {
  const { svc } = await ports(root(t, "iptables"));
  assert.equal(svc("memcached", "udp").severity, "low");
  assert.equal(svc("memcached", "udp").data.firewall?.blocked, true);
  // Redis also listens on [::]:6379 and there is no rules.v6: still reachable over IPv6.
  const redis = svc("redis");
  assert.equal(redis.severity, "high");
  assert.equal(redis.data.firewall?.blocked, false);
  assert.match(en(redis.data.firewall?.how ?? ""), /no enabled IPv6 firewall rules/);
  // mysql: INPUT policy ACCEPT and no rule.
  assert.equal(svc("mysql").data.firewall?.blocked, false);
});

test("fixture root + saved nftables rules that nothing loads: not counted as protection, and said so", async (t) => {
  const { findings, svc } = await ports(root(t, "nftables-disabled"));
  assert.equal(svc("mysql").severity, "medium");
  assert.match(en(svc("mysql").data.firewall?.how ?? ""), /saved in \/etc\/nftables\.conf but not enabled/);
  const fw = findings.find((f) => f.check === "exposure.firewall");
  assert.equal(fw?.severity, "low");
  assert.match(fw?.title ?? "", /not enabled/);
});

test("mamori audit includes the exposure findings; Japanese and Markdown render them", async (t) => {
  const dir = root(t);
  const audit = await mamori(["audit", "--root", dir, "--format", "json"]);
  const doc = JSON.parse(audit.stdout);
  assert.ok(doc.findings.some((f: Finding) => f.check === "exposure.service" && f.data.service === "redis"));
  assert.ok(Array.isArray(doc.sections.exposure.listeners));
  const ja = await mamori(["ports", "--root", dir, "--lang", "ja"]);
  assert.match(ja.stdout, /待ち受け中のソケット/);
  assert.match(ja.stdout, /Redis が tcp\/6379 でネットワークから接続できます/);
  assert.match(ja.stdout, /暗号資産マイニング/);
  const md = await mamori(["ports", "--root", dir, "--format", "markdown"]);
  assert.match(md.stdout, /systemctl disable --now redis-server\.service/);
  const human = await mamori(["ports", "--root", dir]);
  assert.match(
    human.stdout,
    /^tcp\s+0\.0\.0\.0:6379 \[::\]:6379\s+redis-server\[1001\]\s+redis\s+redis-tools\s+redis\s+network$/m,
  );
});

test("a root without /proc/net: sockets reported as not checked, config and firewall still read", async (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, "etc"));
  const r = await mamori(["ports", "--root", dir, "--format", "json"]);
  const doc = JSON.parse(r.stdout);
  assert.equal(r.code, 0);
  assert.ok(
    doc.notChecked.some(
      (n: { area: string; path?: string }) => n.area === "exposure" && n.path === "/proc/net/tcp",
    ),
  );
});

test("firewall parsers: ufw tuples, iptables-save and nftables reduce to rules with file:line", () => {
  const u = parseUfwRules(
    "### tuple ### allow tcp 6000:6007 0.0.0.0/0 any 192.168.0.0/16 in\n### tuple ### deny udp 53 0.0.0.0/0 any 0.0.0.0/0 in\n",
    "/u",
  );
  assert.deepEqual(u[0]?.ports, [[6000, 6007]]);
  assert.equal(u[0]?.restricted, true);
  assert.equal(u[1]?.action, "drop");
  const i = parseIptablesSave(
    "*nat\n-A INPUT -p tcp --dport 1 -j DROP\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m multiport --dports 80,443,8000:8100 -j ACCEPT\n-A INPUT -j custom\nCOMMIT\n",
    "/r",
  );
  assert.equal(i.policy, "drop");
  assert.equal(i.rules.length, 1);
  assert.deepEqual(i.rules[0]?.ports, [
    [80, 80],
    [443, 443],
    [8000, 8100],
  ]);
  const n = parseNftables(
    "table ip6 f {\n chain in {\n  type filter hook input priority 0; policy accept;\n  udp dport 11211 drop\n  tcp dport ssh accept\n }\n}\n",
    "/n",
  );
  assert.equal(n[0]?.family, 6);
  assert.equal(n[0]?.policy, "accept");
  assert.deepEqual(
    n[0]?.rules.map((r) => [r.protocol, r.ports, r.action, r.line]),
    [
      ["udp", [[11211, 11211]], "drop", 4],
      ["tcp", [[22, 22]], "accept", 5],
    ],
  );
});
