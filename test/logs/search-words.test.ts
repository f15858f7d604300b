/**
 * Visitors search a site for words that are also command, tool or language names (`?s=curl` on a tech
 * blog, `?q=chef` on a recipe site) and arrive from search engines with them in the Referer. None of
 * that is an attack: each word, in the places a search puts it, raises no event. (Words that are
 * payloads of their own, `sleep(5)` or `information_schema`, are not in the list.)
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readLogs } from "../../src/audit/logs.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { tempDir } from "../helpers/tmp.ts";

const WORDS =
  `cat ls id sleep echo time type dir set env who ping kill ps head tail more less find grep sort date man top
sudo su nc rm cp mv touch chmod chown passwd shadow hosts groups users select union insert update delete drop table
script alert prompt eval exec system include require file path url redirect return next callback template java
python ruby php perl bash shell cmd powershell wget curl admin login config backup docker nginx apache node npm pip
ansible chef puppet terraform ssh ftp telnet smtp dns proxy firewall linux windows kernel boot cron crontab nohup
screen vim awk sed tar gzip zip base64 openssl cookie session token uname ifconfig ipconfig netstat printenv hostname
nslookup dig traceroute iptables recipe cooking bread cake coffee tea news travel alias invoke perf certificate
null true false undefined char concat ascii hex iframe img svg object embed style javascript`
    .split(/\s+/)
    .concat([
      "powershell tutorial",
      "bash script",
      "curl examples",
      "python 3",
      "c++",
      "rock & roll",
      "o'reilly",
    ]);

test("searches for command, tool and cooking words raise no event", async (t) => {
  const f = join(tempDir(t), "search.log");
  const lines: string[] = [];
  const ua = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  let n = 0;
  for (const w of WORDS) {
    const q = encodeURIComponent(w).replace(/%20/g, "+");
    for (const target of [
      `/search?q=${q}`,
      `/?s=${q}`,
      `/blog/?q=${q}+tutorial`,
      `/shop?category=${q}&page=2`,
    ]) {
      n++;
      // One client a line: no behaviour scenario adds up.
      lines.push(
        `198.18.${n >> 8}.${n & 255} - - [20/Nov/2026:03:00:00 +0000] "GET ${target} HTTP/1.1" 200 5120 "-" "${ua}"`,
      );
    }
    n++;
    lines.push(
      `198.18.${n >> 8}.${n & 255} - - [20/Nov/2026:03:00:00 +0000] "GET /page.html HTTP/1.1" 200 5120 "https://www.google.com/search?q=${q}" "${ua}"`,
    );
  }
  writeFileSync(f, `${lines.join("\n")}\n`);
  const facts = await readLogs(new RootFs("/"), [{ path: f, display: f }], {
    rules: loadRules(),
    parallel: false,
  });
  const raised = facts.events.map((e) => `${e.attack}: ${lines[e.line - 1]?.split('"')[1]}`);
  assert.deepEqual(raised, []);
});
