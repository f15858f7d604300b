/**
 * The English words a Japanese reader would see in mamori's output, outside commands, quotes,
 * identifiers and an allowlist of names (shared by the terminal and HTML "no English in ja" tests).
 */
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
  kev plain crowdsec cscli decisions import postgres systemctl maltrail admin viewer kWh pull list key
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
