/**
 * Generates the fixture roots of the completeness tests (test/report/verdict.test.ts): an Apache whose
 * access log goes to standard output (a container), and one whose access log is in a format mamori cannot
 * read. Facts only, a few KB each. Regenerate with `node test/report/verdict-roots.ts`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { FIXTURE_ROOTS } from "../helpers/audit.ts";

/** 2.4.69 fixes every CVE in the shipped data, and the configuration is tidy: nothing to report. */
const VERSION = "2.4.69";

const BINARY = `\x7fELF fixture stand-in for an httpd binary\n\0Apache/${VERSION} (Unix)\0 -D HTTPD_ROOT="/usr/local/apache2"\0 -D SERVER_CONFIG_FILE="conf/httpd.conf"\0`;

function httpdConf(logs: string): string {
  return `ServerRoot "/usr/local/apache2"
Listen 80
LoadModule mpm_event_module modules/mod_mpm_event.so
LoadModule authz_core_module modules/mod_authz_core.so
LoadModule mime_module modules/mod_mime.so
LoadModule log_config_module modules/mod_log_config.so
LoadModule unixd_module modules/mod_unixd.so
LoadModule dir_module modules/mod_dir.so
User daemon
Group daemon
ServerTokens Prod
ServerSignature Off
<Directory />
    AllowOverride None
    Require all denied
</Directory>
DocumentRoot "/usr/local/apache2/htdocs"
<Directory "/usr/local/apache2/htdocs">
    Options FollowSymLinks
    AllowOverride None
    Require all granted
</Directory>
DirectoryIndex index.html
${logs}
`;
}

const OS = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
`;

function write(root: string, rel: string, content: string): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

function base(name: string, logs: string): string {
  const root = path.join(FIXTURE_ROOTS, name);
  fs.rmSync(root, { recursive: true, force: true });
  write(root, "etc/os-release", OS);
  write(root, "etc/hostname", `${name}\n`);
  write(
    root,
    "var/lib/dpkg/status",
    "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9+deb12u9\n\n",
  );
  write(root, "usr/local/apache2/bin/httpd", BINARY);
  write(root, "usr/local/apache2/conf/httpd.conf", httpdConf(logs));
  write(root, "usr/local/apache2/htdocs/index.html", "<html><body>It works!</body></html>\n");
  return root;
}

/** The official httpd image's logging: both logs to the container runtime, no file on disk. */
export function containerStdout(): string {
  return base(
    "container-stdout",
    `ErrorLog /proc/self/fd/2
LogFormat "%h %l %u %t \\"%r\\" %>s %b" common
CustomLog /proc/self/fd/1 common`,
  );
}

/** A JSON access log (a format mamori has no parser for), with exploit attempts in it: none may be "seen". */
export const JSON_LINES = 120;
export function unparseableLog(): string {
  const root = base(
    "unparseable-log",
    `ErrorLog logs/error_log
CustomLog logs/access_log.json "json"`,
  );
  const lines: string[] = [];
  for (let i = 0; i < JSON_LINES; i++) {
    const attack = i % 3 === 0;
    lines.push(
      JSON.stringify({
        time: `2026-11-20T03:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z`,
        remote: `203.0.113.${(i % 50) + 1}`,
        request: attack
          ? "GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd HTTP/1.1"
          : `GET /page${i}.html HTTP/1.1`,
        status: attack ? 200 : 404,
        bytes: attack ? 1294 : 196,
      }),
    );
  }
  write(root, "usr/local/apache2/logs/access_log.json", `${lines.join("\n")}\n`);
  write(root, "usr/local/apache2/logs/error_log", "");
  return root;
}

if (import.meta.main) {
  containerStdout();
  unparseableLog();
}
