import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, startProcess, waitForPort } from "../../helpers/net.ts";
import { tempDir } from "../../helpers/tmp.ts";

export const APACHE2 = "/usr/sbin/apache2";
const MODULES = "/usr/lib/apache2/modules";

export function apacheAvailable(): boolean {
  return fs.existsSync(APACHE2) && fs.existsSync(`${MODULES}/mod_mpm_event.so`);
}

/**
 * A real Debian apache2 on 127.0.0.1, configured as permissively as the vulnerable labs
 * (Require all granted on /, mod_cgid, the /icons/ alias, Indexes), with its own config dir.
 */
export async function startApache(
  t: { after: (fn: () => Promise<void> | void) => void },
  extra = "",
): Promise<{ port: number; dir: string; errorLog: string }> {
  const dir = tempDir(t, "mamori-apache-");
  fs.chmodSync(dir, 0o755);
  const htdocs = path.join(dir, "htdocs");
  fs.mkdirSync(htdocs);
  fs.writeFileSync(path.join(htdocs, "index.html"), "<html><body>hello</body></html>\n");
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = path.join(dir, "httpd.conf");
    const mods = [
      "mpm_event",
      "authz_core",
      "authz_host",
      "alias",
      "dir",
      "mime",
      "autoindex",
      "status",
      "info",
      "cgid",
    ];
    fs.writeFileSync(
      conf,
      [
        `ServerRoot ${dir}`,
        `DefaultRuntimeDir ${dir}`,
        `PidFile ${dir}/apache2.pid`,
        `Mutex file:${dir} default`,
        `ErrorLog ${dir}/error.log`,
        "LogLevel warn",
        `Listen 127.0.0.1:${port}`,
        "ServerName 127.0.0.1",
        // As root, Apache needs an unprivileged user for its children; otherwise it keeps the caller's.
        ...(process.getuid?.() === 0 ? ["User www-data", "Group www-data"] : []),
        ...mods.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
        `ScriptSock ${dir}/cgisock`,
        "TypesConfig /etc/mime.types",
        `DocumentRoot ${htdocs}`,
        "<Directory />",
        "  Options Indexes FollowSymLinks",
        "  AllowOverride None",
        "  Require all granted",
        "</Directory>",
        "Alias /icons/ /usr/share/apache2/icons/",
        "ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/",
        "ServerTokens Full",
        "ServerSignature On",
        extra,
        "",
      ].join("\n"),
    );
    const { child, output } = startProcess(APACHE2, ["-f", conf, "-DFOREGROUND"], t);
    try {
      await waitForPort(port, "127.0.0.1", 10000, child);
      return { port, dir, errorLog: path.join(dir, "error.log") };
    } catch (err) {
      const log = fs.existsSync(path.join(dir, "error.log"))
        ? fs.readFileSync(path.join(dir, "error.log"), "utf8")
        : "";
      if (/Address already in use/.test(log + output())) continue;
      throw new Error(`apache2 did not start: ${(err as Error).message}\n${output()}\n${log}`);
    }
  }
  throw new Error("apache2: no free port after 5 attempts");
}
