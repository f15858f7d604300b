/**
 * Password guessing against a login page served by Debian's real apache2 on 127.0.0.1, with the access
 * log Apache itself writes: a CGI at /wp-login.php answers a wrong password as WordPress does (200, the
 * form again) and the right one with its redirect (302, no body); Apache's own `Redirect` (as when
 * http is sent to https) answers 302 with a page. Two guessers send 30 wrong passwords each from their
 * own loopback address; one then sends the right one, the other is redirected by Apache. Only the first
 * is a guessed password. (No PHP or WordPress here: the CGI gives the answers WordPress gives.)
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { test } from "node:test";
import { apacheAvailable, startApache } from "../exposure/helpers/apache.ts";
import { mamori } from "../helpers/cli.ts";

const skip = apacheAvailable() ? false : "Debian apache2 is not installed (scripts/apt-packages.txt)";

const LOGIN_CGI = `#!/bin/sh
body=$(head -c "\${CONTENT_LENGTH:-0}")
case "$body" in
  *pwd=right*)
    printf 'Status: 302 Found\\r\\nLocation: /wp-admin/\\r\\n\\r\\n' ;;
  *)
    printf 'Content-Type: text/html\\r\\n\\r\\n<html><form method=post>Error: the password is incorrect.</form></html>\\n' ;;
esac
`;

function post(port: number, from: string, target: string, pwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = `log=admin&pwd=${pwd}&wp-submit=Log+In`;
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: target,
        method: "POST",
        localAddress: from,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("real apache2: 30 wrong passwords and the right one is a guessed password; 30 and Apache's own redirect is not", {
  skip,
}, async (t) => {
  const pre = fs.mkdtempSync("/tmp/mamori-login-");
  fs.chmodSync(pre, 0o755);
  t.after(() => fs.rmSync(pre, { recursive: true, force: true }));
  const cgi = path.join(pre, "login.cgi");
  fs.writeFileSync(cgi, LOGIN_CGI, { mode: 0o755 });
  const log = path.join(pre, "access.log");
  const a = await startApache(
    t,
    [
      'LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined',
      `CustomLog ${log} combined`,
      `ScriptAlias /wp-login.php ${cgi}`,
      `<Directory ${pre}>`,
      "  Require all granted",
      "</Directory>",
      // As a site that sends http to https does: a redirect Apache writes, with a page.
      "Redirect /plain/wp-login.php https://127.0.0.1/wp-login.php",
    ].join("\n"),
  );
  for (let i = 0; i < 30; i++) {
    assert.equal(await post(a.port, "127.0.0.21", "/wp-login.php", `guess${i}`), 200);
    assert.equal(await post(a.port, "127.0.0.22", "/wp-login.php", `guess${i}`), 200);
  }
  assert.equal(await post(a.port, "127.0.0.21", "/wp-login.php", "right"), 302);
  assert.equal(await post(a.port, "127.0.0.22", "/plain/wp-login.php", "right"), 302);
  // Apache writes a line when the request is done; wait for all 62.
  for (
    let i = 0;
    i < 50 && (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "").split("\n").length < 63;
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
  const text = fs.readFileSync(log, "utf8");
  // What Apache wrote: WordPress-like redirect with no body ("-"), its own redirect with a page.
  assert.match(text, /^127\.0\.0\.21 .*"POST \/wp-login\.php HTTP\/1\.1" 302 - /m);
  assert.match(text, /^127\.0\.0\.22 .*"POST \/plain\/wp-login\.php HTTP\/1\.1" 302 \d+ /m);

  const json = JSON.parse((await mamori(["logs", "--format", "json", log])).stdout);
  const found = json.findings.filter((x: { check: string }) => x.check === "logs.login");
  assert.deepEqual(
    found.map((x: { data: { ip: string; requests: number } }) => [x.data.ip, x.data.requests]),
    [["127.0.0.21", 31]],
  );
  const probing = json.sections.logs.probing.map((p: { ip: string; outcome: string }) => [p.ip, p.outcome]);
  assert.deepEqual(probing.sort(), [
    ["127.0.0.21", "succeeded"],
    ["127.0.0.22", "unknown"],
  ]);
});
