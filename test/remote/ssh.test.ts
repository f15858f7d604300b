import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { classifySshFailure, parseSshTarget, sshArgs } from "../../src/remote/ssh.ts";
import { mamori } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";
import { knownHosts, skip, startSshd } from "../helpers/sshd.ts";

// A real OpenSSH server on 127.0.0.1 with its own configuration, host key and authorized key, and
// `mamori audit ssh://...` through /usr/bin/ssh against it. Extra ports of the same sshd force a
// command (Match LocalPort) to stand for a broken collector and for sudo asking for a password.

test("ssh:// targets: only names and addresses, never an option for ssh", () => {
  assert.deepEqual(parseSshTarget("ssh://root@127.0.0.1:2222"), {
    user: "root",
    host: "127.0.0.1",
    port: 2222,
  });
  assert.deepEqual(parseSshTarget("ssh://web1.example.jp"), {
    user: undefined,
    host: "web1.example.jp",
    port: undefined,
  });
  assert.deepEqual(parseSshTarget("ssh://[::1]:22"), { user: undefined, host: "::1", port: 22 });
  for (const bad of [
    "ssh://-oProxyCommand=x",
    "ssh://a b",
    "ssh://u@-h",
    "ssh://h:0",
    "ssh://h:70000",
    "http://h",
    "h",
  ])
    assert.equal(parseSshTarget(bad), undefined, bad);
  const args = sshArgs({ host: "h", user: "u", port: 2 }, { sudo: true });
  assert.ok(args.includes("BatchMode=yes") && args.includes("StrictHostKeyChecking=yes"));
  assert.deepEqual(args.slice(-3), ["--", "h", "sudo -n sh -s"]);
  assert.ok(sshArgs({ host: "h" }, { acceptNewHostKey: true }).includes("StrictHostKeyChecking=accept-new"));
  assert.equal(classifySshFailure(1, "sudo: a password is required\n"), "sudoPassword");
  assert.equal(classifySshFailure(255, "ssh: connect to host h port 22: Connection refused\n"), "refused");
});

test("each SSH failure is a clear keyed error, in both languages, and nothing is judged", {
  skip,
}, async (t) => {
  const s = await startSshd(t);
  const dead = await freePort();
  const good = knownHosts(s, "known", [s.port, s.garbagePort, s.sudoPort]);
  const cases: Array<{ target: string; cfg: string; args?: string[]; en: RegExp; ja: RegExp }> = [
    {
      target: `ssh://root@127.0.0.1:${dead}`,
      cfg: s.config({ known: good }),
      en: /connection was refused or the host could not be reached/,
      ja: /接続が拒否されたか/,
    },
    {
      target: `ssh://root@127.0.0.1:${s.port}`,
      cfg: s.config({ known: knownHosts(s, "empty", []) }),
      en: /host key is not in known_hosts: nothing was run/,
      ja: /ホスト鍵が known_hosts にありません/,
    },
    {
      target: `ssh://root@127.0.0.1:${s.port}`,
      cfg: s.config({
        known: knownHosts(
          s,
          "changed",
          [s.port],
          fs.readFileSync(path.join(s.dir, "other_host_key.pub"), "utf8").split(" ").slice(0, 2).join(" "),
        ),
      }),
      en: /host key differs from the one in known_hosts/,
      ja: /ホスト鍵が known_hosts の記録と異なります/,
    },
    {
      target: `ssh://root@127.0.0.1:${s.port}`,
      cfg: s.config({ known: good, key: "stranger_key" }),
      en: /permission denied/,
      ja: /認証に失敗しました/,
    },
    {
      target: `ssh://root@127.0.0.1:${s.sudoPort}`,
      cfg: s.config({ known: good }),
      args: ["--sudo"],
      en: /sudo needs a password; mamori runs sudo -n only/,
      ja: /sudo がパスワードを要求しました/,
    },
    {
      target: `ssh://root@127.0.0.1:${s.garbagePort}`,
      cfg: s.config({ known: good }),
      en: /the collector failed \(exit [^)]*\): not-a-bundle \(line 1\)/,
      ja: /収集スクリプトが失敗しました \(終了コード [^)]*\): not-a-bundle/,
    },
  ];
  for (const c of cases)
    for (const lang of ["en", "ja"] as const) {
      const r = await mamori(["audit", c.target, "--ssh-config", c.cfg, "--lang", lang, ...(c.args ?? [])]);
      assert.equal(r.code, 2, `${c.target} ${lang}: ${r.stderr}`);
      assert.equal(r.stdout, "", "no report");
      assert.match(r.stderr, lang === "en" ? c.en : c.ja, `${c.target} ${lang}`);
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    }
  // Trust on first use only when asked: the key is then recorded (and the broken collector still reported).
  const fresh = knownHosts(s, "fresh", []);
  const tofu = await mamori([
    "audit",
    `ssh://root@127.0.0.1:${s.garbagePort}`,
    "--ssh-config",
    s.config({ known: fresh }),
    "--accept-new-host-key",
  ]);
  assert.match(tofu.stderr, /the collector failed/);
  assert.match(
    fs.readFileSync(fresh, "utf8"),
    new RegExp(`\\[127\\.0\\.0\\.1\\]:${s.garbagePort} ssh-ed25519 `),
  );
});

test("audit ssh://root@127.0.0.1:PORT sees this machine as a local audit does", {
  skip,
  timeout: 30 * 60_000,
}, async (t) => {
  const s = await startSshd(t);
  const cfg = s.config({ known: knownHosts(s, "known", [s.port]) });
  const started = performance.now();
  const remote = await mamori([
    "audit",
    `ssh://root@127.0.0.1:${s.port}`,
    "--ssh-config",
    cfg,
    "--format",
    "json",
  ]);
  const seconds = (performance.now() - started) / 1000;
  assert.ok(remote.stdout, remote.stderr);
  const local = await mamori(["audit", "--format", "json"]);
  assert.ok(local.stdout, local.stderr);
  type Doc = {
    host: { hostname: string; live: boolean; root: string };
    sections: Record<string, unknown>;
    warnings: Array<{ area: string; reason: string }>;
  };
  const r = JSON.parse(remote.stdout) as Doc;
  const l = JSON.parse(local.stdout) as Doc;
  t.diagnostic(`ssh audit of this machine: ${seconds.toFixed(1)} s`);
  assert.equal(r.host.root, `ssh://root@127.0.0.1:${s.port}`);
  assert.equal(r.host.hostname, l.host.hostname);
  assert.equal(r.host.live, true, "the recorded /proc stands for the live facts");
  assert.ok(
    r.warnings.some((w) => w.area === "remote" && w.reason === "recorded"),
    "the rootkit caveat",
  );
  const apache = (d: Doc) =>
    JSON.stringify(
      (
        (d.sections.apache as { installations?: Array<{ binary: string; version?: string }> })
          ?.installations ?? []
      )
        .map((i) => [i.binary, i.version])
        .sort(),
    );
  assert.equal(apache(r), apache(l), "the same Apache installations");
  const hunt = (d: Doc) => (d.sections.hunt as { processes: number } | undefined)?.processes ?? 0;
  assert.ok(hunt(r) > 5 && hunt(l) > 5, `processes seen: ssh ${hunt(r)}, local ${hunt(l)}`);
  // The test's own sshd listens in both views.
  const ports = (d: Doc) => JSON.stringify(d.sections.exposure ?? "");
  assert.match(ports(r), new RegExp(`\\b${s.port}\\b`));
  assert.match(ports(l), new RegExp(`\\b${s.port}\\b`));
});

test("audit --hosts: every host of the file, a progress line each, one summary, the fleet's exit code", {
  skip,
}, async (t) => {
  const s = await startSshd(t);
  const dead = await freePort();
  const cfg = s.config({ known: knownHosts(s, "known", [s.fixturePort, s.garbagePort]) });
  const hostsFile = path.join(s.dir, "hosts.txt");
  fs.writeFileSync(
    hostsFile,
    [
      "# the fleet",
      `ssh://root@127.0.0.1:${s.fixturePort}`,
      "",
      `ssh://root@127.0.0.1:${dead}`,
      `ssh://root@127.0.0.1:${s.garbagePort}`,
      `ssh://127.0.0.1:${s.fixturePort}`,
      "",
    ].join("\n"),
  );
  const out = path.join(s.dir, "reports");
  const r = await mamori([
    "audit",
    "--hosts",
    hostsFile,
    "--ssh-config",
    cfg,
    "--parallel",
    "2",
    "--output-dir",
    out,
    "--lang",
    "en",
  ]);
  // The fixture host (upstream Apache 2.4.49) has findings: the fleet's code is theirs.
  assert.equal(r.code, 1, r.stderr);
  const progress = r.stderr.split("\n").filter((l) => /^\[\d\/4\] ssh:\/\//.test(l));
  assert.equal(progress.length, 4, r.stderr);
  assert.match(r.stderr, /\[\d\/4\] ssh:\/\/root@127\.0\.0\.1:\d+: Act now: /);
  assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${dead}: not audited: .*refused`));
  assert.match(r.stdout, /^4 hosts:/);
  assert.equal((r.stdout.match(/act now, worst CRITICAL, 11 finding/g) ?? []).length, 2, r.stdout);
  assert.equal((r.stdout.match(/not audited: /g) ?? []).length, 2, r.stdout);
  // Each audited host's full report is kept; the hosts that failed have none.
  assert.deepEqual(fs.readdirSync(out).sort(), [
    `127.0.0.1_${s.fixturePort}.txt`,
    `root@127.0.0.1_${s.fixturePort}.txt`,
  ]);
  const json = await mamori([
    "audit",
    "--hosts",
    hostsFile,
    "--ssh-config",
    cfg,
    "--format",
    "json",
    "--lang",
    "ja",
  ]);
  const doc = JSON.parse(json.stdout) as {
    hosts: Array<{ target: string; verdict?: string; error?: string }>;
  };
  assert.equal(doc.hosts.length, 4);
  assert.equal(doc.hosts[0]?.verdict, "act-now");
  assert.match(doc.hosts[1]?.error ?? "", /接続/);
  assert.match(json.stderr, /\[\d\/4\] .*診断できませんでした/);
  // A bad line is a usage error naming it, before anything is contacted.
  fs.writeFileSync(hostsFile, "ssh://ok.example\n-oProxyCommand=x\n");
  const bad = await mamori(["audit", "--hosts", hostsFile]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /line 2: not an ssh:\/\/\[user@\]host\[:port\] target/);
});
