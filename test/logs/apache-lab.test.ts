/**
 * Outcomes on logs written by real Apache 2.4.49, 2.4.50, Debian 2.4.71 and catch-all servers under
 * labelled traffic (../shared/corpus/apache-lab): `mamori logs` (the CLI's own pipeline, in-process) on
 * each server's access_log + error_log, every outcome compared with truth.jsonl.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  LAB_DIR,
  LAB_SERVERS,
  labServer,
  labServerAsAudit,
  type ServerResult,
  table,
} from "../../scripts/lab-accuracy.ts";
import { resolveTarget } from "../../src/checks/logs/target.ts";

const present = existsSync(join(LAB_DIR, "README.md"));

/**
 * A POST to a shell answered 200 with no body, or 500 with `End of script output before headers: sh`:
 * the shell ran the attacker's body, and whether the body did anything (the lab's marker file) shows
 * nowhere in the logs; its only trace, when there is one, is a raw un-timestamped stderr line of the
 * shell (`/bin/sh: 1: Syntax error`) with no client. mamori calls these `succeeded` (commands ran);
 * the lab calls those whose body had no effect `failed`. The test below holds how many stay `succeeded`.
 */
function shellRanSilently(l: { request?: string; status?: number; size?: number }): boolean {
  const m = /^POST (\S+)/.exec(l.request ?? "");
  if (!m || resolveTarget(m[1]).kind !== "exec") return false;
  return (l.status === 200 && !l.size) || l.status === 500;
}

test("apache-lab: per server and attack, exploited lines succeeded, none that did not work, blocked/failed right", {
  skip: !present && "apache-lab corpus not present",
}, async (t) => {
  const results: ServerResult[] = [];
  for (const server of LAB_SERVERS) results.push(await labServer(LAB_DIR, server));
  t.diagnostic(`\n${table(results)}`);
  for (const r of results) {
    const at = (l: { line: number; label: string; got?: string; request?: string }) =>
      `${r.server} line ${l.line} (${l.label}) got ${l.got ?? "no event"}: ${l.request ?? ""}`;
    for (const l of r.lines) {
      if (l.truth === "succeeded") assert.equal(l.got, "succeeded", at(l));
      else if (l.truth !== null && !shellRanSilently(l)) assert.notEqual(l.got, "succeeded", at(l));
      // Blocked means the server refused it (400/403): never anything else.
      if (l.truth === "blocked" && l.got !== undefined) assert.equal(l.got, "blocked", at(l));
      if (l.got === "blocked") assert.equal(l.truth, "blocked", at(l));
      // A request that failed is failed, or unknown where the site answers every path with a page of
      // its own (deb-app) or the payload's effect never shows in an answer (a JNDI lookup).
      if (l.truth === "failed" && l.got !== undefined && l.got !== "failed" && !shellRanSilently(l)) {
        assert.equal(l.got, "unknown", at(l));
        assert.ok(
          r.server === "deb-app" || l.label === "cve-2021-44228",
          `${at(l)}: unknown only on the app that answers everything or for Log4Shell`,
        );
      }
      // A few benign lines look like probes to the rules (detection, not outcome): never a success.
      if (l.truth === null) assert.notEqual(l.got, "succeeded", at(l));
    }
    // An error-log line about a request is evidence for it, never a second event.
    assert.deepEqual(r.errorEvents, [], `${r.server}: error-log lines reported as events`);
    // Visitors are not attackers: at most 1% of the benign lines raise any event (issue 15's bound for
    // real benign traffic). Their pages' Referer names the site's own loopback address, as for a site
    // opened through an SSH tunnel; SSRF once took every one of those (1,066 lines).
    const benign = r.lines.filter((l) => l.truth === null);
    const raised = benign.filter((l) => l.got !== undefined);
    assert.ok(
      raised.length <= benign.length / 100,
      `${r.server}: ${raised.length} of ${benign.length} benign lines raised an event, e.g. ${raised
        .slice(0, 3)
        .map((l) => `${l.line} ${l.attack} ${l.request}`)
        .join("; ")}`,
    );
    // No server's 41773/42013 line goes unreported.
    for (const l of r.lines)
      if (l.label === "cve-2021-41773" || l.label === "cve-2021-42013") assert.ok(l.got, at(l));
    // Shellshock: every line whose payload the log holds (User-Agent, CVE-2014-6278's `} >_[...]` form
    // too); the lab's other two sent it in a Cookie, which a combined log does not write.
    const shellshock = r.lines.filter((l) => l.label === "cve-2014-6271");
    assert.equal(shellshock.filter((l) => l.got !== undefined).length, shellshock.length - 2, r.server);
    // ThinkPHP (5.0.23's POST to the captcha route too) and webshell hunting: every line.
    for (const l of r.lines)
      if (l.label === "thinkphp-rce" || l.label === "webshell") assert.ok(l.got, at(l));
  }
});

/**
 * The shell's raw stderr (issue 12), handed over by the reader as an error entry with no client: the
 * requests it ties become `failed` (`shell-ran-command-failed`), which the truth confirms for every one,
 * no exploited line loses its success, and of the 14 silent shells the lab calls failed at most 2 stay
 * `succeeded`: both tried a reverse connection that failed and printed nothing, so no line anywhere tells
 * them from a dropper that ran quietly. The client line right after a stderr run is kept whatever it says
 * (h249 line 421's stderr sits before an `AH01264: script not found` of the next client).
 */
test("apache-lab: a shell's raw stderr ties to its request: failed where the truth says so, nothing else moves", {
  skip: !present && "apache-lab corpus not present",
}, async () => {
  let stillSilent = 0;
  let tied = 0;
  for (const server of LAB_SERVERS) {
    const r = await labServer(LAB_DIR, server);
    for (const l of r.lines) {
      const at = `${server} line ${l.line} (${l.label}) got ${l.got ?? "no event"} (${l.why ?? ""})`;
      if (l.truth === "succeeded") assert.equal(l.got, "succeeded", at);
      if (l.why === "shell-ran-command-failed") {
        tied++;
        assert.equal(l.truth, "failed", at);
      }
      if (l.truth !== "succeeded" && l.got === "succeeded") {
        assert.ok(shellRanSilently(l), at);
        stillSilent++;
      }
    }
    assert.deepEqual(r.errorEvents, [], `${server}: error-log lines reported as events`);
  }
  assert.ok(tied >= 12, `tied ${tied}`);
  assert.ok(stillSilent <= 2, `still succeeded: ${stillSilent}`);
});

/**
 * As the audit judges the same logs on a host like the lab's (no Java, no PHP: its README), with the
 * host's facts (src/checks/logs/runtimes.ts): Log4Shell and every PHP-only exploit are `failed` where
 * `mamori logs` alone can only say `unknown`; what stays unknown is the shop's answers to probes no
 * runtime explains (recon, generic traversal), and nothing else moves.
 */
test("apache-lab as the audit sees it: no Java and no PHP on the host make their exploits failed", {
  skip: !present && "apache-lab corpus not present",
}, async () => {
  let exact = 0;
  let attack = 0;
  let programRouted = 0;
  for (const server of LAB_SERVERS) {
    const r = await labServerAsAudit(LAB_DIR, server);
    for (const l of r.lines) {
      const at = `${server} line ${l.line} (${l.label}) got ${l.got ?? "no event"} (${l.why ?? ""}) ${l.request ?? ""}`;
      if (l.truth === "succeeded") assert.equal(l.got, "succeeded", at);
      if (l.label === "cve-2021-44228") assert.equal(l.got, "failed", at);
      if (l.got === "unknown") {
        assert.equal(server, "deb-app", at);
        assert.ok(["recon", "path-traversal", "webshell", "cve-2021-41773"].includes(l.label), at);
        // What the shop's program did with a query or a climbing path, its answer cannot tell; a probe
        // for an application's own page (wp-login.php) may have reached that application.
        const req = l.request ?? "";
        assert.ok(/\?|%2e|\/(?:wp-login\.php|phpmyadmin\/|actuator\/)/i.test(req), at);
      }
      // deb-app's configuration hands every path but a few prefixes to app.cgi (ScriptAliasMatch): a
      // probe for a file there got the program's page, never the file.
      if (server === "deb-app" && l.why === "program-route") {
        programRouted++;
        assert.equal(l.got, "failed", at);
        assert.equal(l.truth, "failed", at);
      }
      if (l.truth !== null) {
        attack++;
        if (l.got === l.truth) exact++;
      }
    }
  }
  assert.ok(programRouted >= 14, `deb-app probes failed by its route: ${programRouted}`);
  assert.ok(exact >= 1695, `exact ${exact}/${attack}`);
});
