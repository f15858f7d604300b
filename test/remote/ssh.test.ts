import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { classifySshFailure, parseSshTarget, sshArgs } from "../../src/remote/ssh.ts";
import { mamori } from "../helpers/cli.ts";
import { freePort, startProcess, waitForPort } from "../helpers/net.ts";
import { tempDir } from "../helpers/tmp.ts";

// A real OpenSSH server on 127.0.0.1 with its own configuration, host key and authorized key, and
// `mamori audit ssh://...` through /usr/bin/ssh against it. Extra ports of the same sshd force a
// command (Match LocalPort) to stand for a broken collector and for sudo asking for a password.

const SSHD = "/usr/sbin/sshd";
const isRoot = process.getuid?.() === 0;
const skip = !isRoot ? "needs root (sshd)" : !fs.existsSync(SSHD) ? "needs openssh-server" : false;

interface Server {
  dir: string;
  port: number;
  garbagePort: number;
  sudoPort: number;
  hostPub: string;
  /** An ssh_config for mamori --ssh-config: this identity, these known hosts. */
  config(o: { known: string; key?: string }): string;
}

async function startSshd(t: Parameters<typeof tempDir>[0]): Promise<Server> {
  const dir = tempDir(t, "mamori-sshd-");
  const keygen = (name: string) => {
    const r = spawnSync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, name)]);
    assert.equal(r.status, 0, String(r.stderr));
  };
  keygen("host_key");
  keygen("user_key");
  keygen("stranger_key");
  keygen("other_host_key");
  fs.copyFileSync(path.join(dir, "user_key.pub"), path.join(dir, "authorized_keys"));
  // Debian's service makes this at start; sshd refuses to run without it.
  fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const port = await freePort();
  const garbagePort = await freePort();
  const sudoPort = await freePort();
  const sudoSays = path.join(dir, "sudo-says.sh");
  fs.writeFileSync(sudoSays, "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n", { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, "sshd_config"),
    [
      `Port ${port}`,
      `Port ${garbagePort}`,
      `Port ${sudoPort}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${dir}/host_key`,
      `PidFile ${dir}/sshd.pid`,
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "StrictModes no",
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      "LogLevel VERBOSE",
      `Match LocalPort ${garbagePort}`,
      "  ForceCommand /bin/echo not a bundle",
      `Match LocalPort ${sudoPort}`,
      `  ForceCommand ${sudoSays}`,
      "",
    ].join("\n"),
  );
  const sshd = startProcess(SSHD, ["-D", "-e", "-f", path.join(dir, "sshd_config")], t);
  await waitForPort(port).catch((err) => {
    throw new Error(`${err}: ${sshd.output()}`);
  });
  await waitForPort(sudoPort);
  const hostPub = fs.readFileSync(path.join(dir, "host_key.pub"), "utf8").split(" ").slice(0, 2).join(" ");
  let n = 0;
  return {
    dir,
    port,
    garbagePort,
    sudoPort,
    hostPub,
    config({ known, key = "user_key" }) {
      const file = path.join(dir, `cfg${++n}`);
      fs.writeFileSync(
        file,
        [
          `IdentityFile ${dir}/${key}`,
          "IdentitiesOnly yes",
          "IdentityAgent none",
          `UserKnownHostsFile ${known}`,
          "GlobalKnownHostsFile /dev/null",
          "",
        ].join("\n"),
      );
      return file;
    },
  };
}

function knownHosts(s: Server, file: string, ports: number[], pub = s.hostPub): string {
  const p = path.join(s.dir, file);
  fs.writeFileSync(p, ports.map((port) => `[127.0.0.1]:${port} ${pub}\n`).join(""));
  return p;
}

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
