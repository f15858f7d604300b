/**
 * No English left in Japanese output: every command's human output in `--lang ja` on every fixture
 * root (audit, hunt, ports, verify, respond's dry run, restore --list, logs on a corpus file, and the
 * Japanese --help of every command and subcommand), with English words outside an allowlist reported.
 * What is quoted from the host (paths, command lines, config lines, log excerpts, evidence values) is
 * not ours to translate: tokens with path or identifier characters, `$ ` command lines, "quoted" and
 * `code` spans are skipped, and the allowlist names product, protocol, directive and malware names seen
 * in the fixtures, and mamori's own command, argument and option-value names.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { commandPaths } from "../helpers/commands.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const ROOTS = path.join(REPO, "test/fixtures/roots");
const LOG = path.resolve(REPO, "../shared/corpus/apache-lab/deb/access_log");

/**
 * Names and terms a Japanese administrator reads in English: products, protocols, Apache directives
 * and values, tools, malware and OS code names, mamori's command and argument names (typed as is).
 */
const ALLOW = new Set(
  `Apache apache httpd Debian Ubuntu Alpine AlmaLinux Alma Rocky RHEL Red Hat Enterprise CentOS Linux GNU bullseye bookworm
  buster focal jammy noble bionic PostgreSQL SQLite Redis MySQL MariaDB PHP Perl Python Node Java OpenSSL OpenSSH
  Slack Discord Teams Chatwork CrowdSec fail systemd cron crontab journald syslog rsyslog logrotate sudo root www data
  nginx Tomcat CGI ScriptAlias Directory Require all granted denied AllowOverride None Options Indexes FollowSymLinks
  ExecCGI Alias Location LoadModule Listen VirtualHost ServerTokens ServerSignature Prod Off On TraceEnable Header
  mod cgi cgid proxy ajp ldap dav fs ssl http https lua rewrite status info userdir autoindex
  CISA KEV JVN JPCERT NVD MITRE CVE CVSS OSV mamori uPlot VirusTotal GitHub kinsing kdevtmpfsi xmrig stratum tcp udp
  memfd deleted ELF sha sha256 ufw iptables nftables firewalld dpkg apt rpm dnf yum apk apachectl
  Mozilla curl wget chmod bash sh python perl nc ncat busybox base64 zgrab masscan nmap sqlmap Nikto
  log4shell Log4Shell jndi ldap Shellshock WebShell webshell PoC ssh sshd
  CISA Known Exploited Vulnerabilities mirror secdb alpine Sage Margay Unix mtime ctime Full Prod MultiViews SetHandler
  FileInfo Include FollowSymlinks Server debian Web local Windows Green Obsidian LogFormat combined common
  audit collect check db report respond restore verify ports probe history diff watch schedule logs hunt iocs help server
  target host port file paths report url action name update fetch install remove status token user add revoke
  kev plain crowdsec cscli decisions import postgres systemctl maltrail admin viewer kWh
  id from to
  JSON SARIF HTML Markdown YAML TSV CSV ISO UTC JST PID TTY TCP UDP IPv4 IPv6 IP URL DNS TLS HTTP`.split(
    /\s+/,
  ),
);

/**
 * Text without the titles the CVE feeds give in English ("CVE-2021-41773 (Path traversal ...)"): data
 * quoted from Apache's and the distributions' advisories, like a log line, not a sentence of ours.
 */
function withoutCveTitles(line: string): string {
  let out = "";
  let i = 0;
  for (;;) {
    const m = /CVE-\d{4}-\d{4,} ?\(/.exec(line.slice(i));
    if (!m) return out + line.slice(i);
    const open = i + m.index + m[0].length;
    out += line.slice(i, open - 1);
    let depth = 1;
    let j = open;
    for (; j < line.length && depth > 0; j++) {
      if (line[j] === "(") depth++;
      else if (line[j] === ")") depth--;
    }
    i = j;
  }
}

/** The English words of text a Japanese reader would see, outside commands, quotes and identifiers. */
export function englishWords(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    if (/^\s*(\$ |mamori |# )/.test(raw)) continue; // a command to copy
    const line = withoutCveTitles(raw)
      // Quoted from elsewhere: a request's User-Agent, a data source's own name, a system error.
      .replace(/User-Agent: .*/, " ")
      .replace(/最も古いデータ: .*\)\)/, " ")
      .replace(/exit status \d+|sqlite: [^)]*/g, " ")
      // Our command names: `mamori verify`, `mamori db update`.
      .replace(/\bmamori(?: [a-z][\w-]*)*/g, " ")
      .replace(/`[^`]*`/g, " ")
      .replace(/"[^"]*"/g, " ")
      .replace(/“[^”]*”/g, " ")
      .replace(/'[^']*'/g, " ");
    for (const tok of line.split(/[\s\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef、。「」（）()[\],;:!?]+/)) {
      if (!/^[A-Za-z]{2,}$/.test(tok)) continue; // paths, ids, versions, numbers: identifiers
      if (/^[A-Z0-9]+$/.test(tok)) continue; // acronyms: CVE, TCP, ELF
      if (ALLOW.has(tok)) continue;
      out.push(tok);
    }
  }
  return out;
}

interface Run {
  what: string;
  text: string;
}

async function ja(args: string[], what: string): Promise<Run> {
  const r = await mamori([...args], { env: { LANG: "ja_JP.UTF-8", TZ: "Asia/Tokyo" } });
  const text = `${r.stdout}\n${r.stderr}`;
  assert.ok(text.trim().length > 0, `${what}: no output`);
  return { what, text };
}

async function runs(): Promise<Run[]> {
  const out: Run[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-ja-"));
  const q = path.join(tmp, "quarantine");
  try {
    for (const root of fs.readdirSync(ROOTS).sort()) {
      const dir = path.join(ROOTS, root);
      out.push(
        await ja(["audit", "--root", dir, "--lang", "ja", "--severity-threshold", "info"], `audit ${root}`),
      );
      out.push(await ja(["hunt", "--root", dir, "--lang", "ja"], `hunt ${root}`));
      out.push(await ja(["ports", "--root", dir, "--lang", "ja"], `ports ${root}`));
    }
    const compromised = path.join(ROOTS, "compromised-2.4.49");
    const report = path.join(tmp, "report.json");
    const json = await mamori(["audit", "--root", compromised, "--format", "json", "--lang", "ja"]);
    fs.writeFileSync(report, json.stdout);
    out.push(
      await ja(
        ["respond", report, "--all-critical", "--root", compromised, "--quarantine-dir", q, "--lang", "ja"],
        "respond dry run",
      ),
    );
    // Applied on a copy of the root, so restore --list and verify have entries to show.
    const copy = path.join(tmp, "root");
    fs.cpSync(compromised, copy, { recursive: true });
    out.push(
      await ja(
        [
          "respond",
          report,
          "--all-critical",
          "--root",
          copy,
          "--quarantine-dir",
          q,
          "--lang",
          "ja",
          "--apply",
        ],
        "respond --apply",
      ),
    );
    out.push(await ja(["restore", "--list", "--quarantine-dir", q, "--lang", "ja"], "restore --list"));
    out.push(await ja(["verify", "--root", copy, "--quarantine-dir", q, "--lang", "ja"], "verify"));
    if (fs.existsSync(LOG)) out.push(await ja(["logs", LOG, "--lang", "ja"], "logs apache-lab"));
    out.push(await ja(["--help"], "--help"));
    // Every command's and subcommand's help: summary, arguments, options, examples, exit codes.
    for (const at of await commandPaths()) out.push(await ja([...at, "--help"], `${at.join(" ")} --help`));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

test("the word finder skips commands, quotes, paths and names, and finds English prose", () => {
  assert.deepEqual(
    englishWords('  $ apachectl configtest\n/usr/local/apache2 の `httpd -v` と "Require all"'),
    [],
  );
  assert.deepEqual(englishWords("一致した情報源: files, processes"), ["files", "processes"]);
});

test("Japanese output of every command on every fixture has no English outside the allowlist", async (t) => {
  const found = new Map<string, Set<string>>();
  for (const r of await runs()) {
    for (const w of englishWords(r.text)) {
      if (!found.has(w)) found.set(w, new Set());
      found.get(w)?.add(r.what);
    }
  }
  const report = [...found].map(([w, where]) => `${w}  (${[...where].slice(0, 3).join("; ")})`);
  for (const line of report) t.diagnostic(line);
  assert.deepEqual(report, []);
});
