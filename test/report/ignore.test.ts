import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import type { Finding } from "../../src/core/finding.ts";
import { applyIgnore, parseIgnore } from "../../src/core/ignore.ts";
import { renderText } from "../../src/core/message.ts";
import { translator } from "../../src/i18n/index.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

const ROOT = path.resolve(import.meta.dirname, "../fixtures/roots/upstream-2.4.49");
const NOW = new Date("2026-12-01T00:00:00Z");
const t = translator("en");
const texts = (ws: { detail?: unknown }[]) => ws.map((w) => renderText(w.detail as never, t));

function finding(id: string, check: string, cves: string[], paths: string[] = []): Finding {
  return {
    id,
    check,
    severity: "high",
    confidence: "confirmed",
    title: id,
    detail: "",
    cves,
    evidence: paths.map((p) => ({ path: p })),
    remediation: "",
  };
}

test("entries by CVE, finding id and check; a CVE entry needs every CVE of the finding", () => {
  const rules = parseIgnore(
    [
      "- id: cve-2021-41773",
      "  reason: patched by hand",
      "  expires: 2027-01-31",
      "- id: x.check:1",
      "  reason: accepted",
      "  expires: 2027-01-31",
      "- id: file.suspicious",
      "  path: /srv/tool",
      "  reason: our own tool",
      "  expires: 2027-01-31",
      "- id: apache.eol",
      "  host: elsewhere",
      "  reason: other host only",
      "  expires: 2027-01-31",
    ].join("\n"),
    "/etc/mamori/ignore.yaml",
  );
  assert.equal(rules.problems.length, 0);
  const findings = [
    finding("apache.cve:a", "apache.cve", ["CVE-2021-41773"]),
    finding("apache.cve:b", "apache.cve", ["CVE-2021-41773", "CVE-2021-42013"]),
    finding("x.check:1", "x.check", []),
    finding("file.suspicious:1", "file.suspicious", [], ["/srv/tool"]),
    finding("file.suspicious:2", "file.suspicious", [], ["/tmp/kdevtmpfsi"]),
    finding("apache.eol:1", "apache.eol", []),
  ];
  const r = applyIgnore(findings, rules, "web01", NOW);
  assert.deepEqual(
    r.ignored.map((i) => i.id),
    ["apache.cve:a", "x.check:1", "file.suspicious:1"],
  );
  assert.deepEqual(
    r.kept.map((f) => f.id),
    ["apache.cve:b", "file.suspicious:2", "apache.eol:1"],
  );
  assert.equal(r.ignored[0]?.rule.reason, "patched by hand");
  assert.equal(r.ignored[0]?.rule.source, "/etc/mamori/ignore.yaml:1");
  assert.match(texts(r.warnings).join("\n"), /3 findings ignored/);
});

test("an expired entry stops applying and names itself; a malformed entry names its line, the rest apply", () => {
  const rules = parseIgnore(
    [
      "ignore:",
      "  - id: a.check",
      "    reason: was fine",
      "    expires: 2026-11-30",
      "  - id: b.check",
      "    expires: 2027-01-01",
      "  - id: c.check",
      "    reason: ok",
      "    expires: 2027-02-30",
      "  - id: d.check",
      "    path: /var/www/*",
      "    reason: glob",
      "    expires: 2027-01-01",
      "  - id: e.check",
      "    reason: still good",
      "    expires: 2026-12-01",
    ].join("\n"),
    "ig.yaml",
  );
  const problems = texts(rules.problems);
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? "", /^ig\.yaml:5: .*`reason` is required/);
  assert.match(problems[1] ?? "", /^ig\.yaml:7: .*`expires` is required/);
  assert.match(problems[2] ?? "", /^ig\.yaml:10: .*`path` must be one absolute path/);
  const r = applyIgnore(
    [finding("a.check:1", "a.check", []), finding("e.check:1", "e.check", [])],
    rules,
    "web01",
    new Date("2026-12-01T23:00:00Z"),
  );
  assert.deepEqual(
    r.kept.map((f) => f.id),
    ["a.check:1"],
  );
  assert.deepEqual(
    r.ignored.map((f) => f.id),
    ["e.check:1"],
  );
  assert.ok(
    texts(r.warnings).some((w) => /ig\.yaml:2: the ignore entry for a\.check expired on 2026-11-30/.test(w)),
  );
});

test("bad YAML is one warning with its line; nothing is ignored from that file", () => {
  const rules = parseIgnore("- id: x\n  reason: [unclosed\n", "bad.yaml");
  assert.equal(rules.entries.length, 0);
  assert.match(texts(rules.problems)[0] ?? "", /^bad\.yaml:\d+: not valid YAML/);
});

/** An empty configuration file of our own, so the host's /etc/mamori/config.yaml plays no part. */
const NO_CONFIG = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mamori-cfg-")), "config.yaml");
fs.writeFileSync(NO_CONFIG, "{}\n");
after(() => fs.rmSync(path.dirname(NO_CONFIG), { recursive: true, force: true }));

async function auditJson(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await mamori(["audit", "--root", ROOT, "--format", "json", ...args], {
    now: NOW,
    env: { MAMORI_CONFIG: NO_CONFIG, ...env },
  });
  return { ...r, doc: JSON.parse(r.stdout) };
}

test("audit: ignored findings leave the list, are listed under `ignored` and counted in the warnings", async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, "ignore.yaml");
  fs.writeFileSync(
    file,
    "ignore:\n  - id: CVE-2024-38475\n    reason: mitigated by our RewriteRule review\n    expires: 2027-01-31\n",
  );
  const before = await auditJson([]);
  const cveFinding = before.doc.findings.find(
    (f: Finding) => f.cves.length === 1 && f.cves[0] === "CVE-2024-38475",
  );
  assert.ok(cveFinding, "the fixture has a finding for CVE-2024-38475 alone");
  const after = await auditJson(["--ignore-file", file]);
  assert.equal(after.doc.findings.length, before.doc.findings.length - 1);
  assert.ok(!after.doc.findings.some((f: Finding) => f.id === cveFinding.id));
  assert.equal(after.doc.ignored.length, 1);
  assert.equal(after.doc.ignored[0].id, cveFinding.id);
  assert.equal(after.doc.ignored[0].rule.reason, "mitigated by our RewriteRule review");
  assert.equal(after.doc.ignored[0].rule.expires, "2027-01-31");
  assert.equal(typeof after.doc.ignored[0].title, "string");
  assert.ok(after.doc.warnings.some((w: { detail: string }) => /1 finding ignored/.test(w.detail)));

  // The same list under `ignore:` in config.yaml.
  const config = path.join(dir, "config.yaml");
  fs.writeFileSync(config, fs.readFileSync(file));
  const viaConfig = await auditJson([], { MAMORI_CONFIG: config });
  assert.equal(viaConfig.doc.ignored?.[0]?.id, cveFinding.id);

  // Human output: the count and, with --show-ignored, each entry.
  const human = await mamori(["audit", "--root", ROOT, "--ignore-file", file, "--show-ignored"], {
    now: NOW,
  });
  assert.match(human.stdout, /1 finding ignored by the ignore file/);
  assert.match(
    human.stdout,
    /ignored: .*CVE-2024-38475.*mitigated by our RewriteRule review \(until 2027-01-31/,
  );

  // `check` judges saved facts through the same place: the same entry applies.
  const facts = path.join(dir, "facts.json");
  await mamori(["audit", "--root", ROOT, "--save-facts", facts, "--format", "json"], { now: NOW });
  const checked = await mamori(["check", facts, "--format", "json", "--ignore-file", file], {
    now: NOW,
    env: { MAMORI_CONFIG: NO_CONFIG },
  });
  assert.equal(JSON.parse(checked.stdout).ignored?.[0]?.id, cveFinding.id);

  const missing = await mamori(["audit", "--root", ROOT, "--ignore-file", path.join(dir, "nope.yaml")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /ignore file .*nope\.yaml does not exist/);
});

test("an ignore file another user can write is refused: nothing is ignored, the report says why", {
  skip: needsRoot(),
}, async (t) => {
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o755);
  const attackerDir = path.join(dir, "att");
  fs.mkdirSync(attackerDir);
  fs.chownSync(attackerDir, ATTACKER.uid, ATTACKER.gid);
  const file = path.join(attackerDir, "ignore.yaml");
  // The attacker writes an entry hiding every CVE finding of the kind they came through.
  attackerShell(
    `printf 'ignore:\\n  - id: apache.exposure\\n    reason: nothing to see\\n    expires: 2099-01-01\\n' > ${file}`,
  );
  assert.equal(fs.statSync(file).uid, ATTACKER.uid);
  const r = await auditJson(["--ignore-file", file]);
  assert.equal(r.doc.ignored, undefined);
  assert.ok(r.doc.findings.some((f: Finding) => f.check === "apache.exposure"));
  assert.ok(
    r.doc.warnings.some((w: { detail: string }) =>
      w.detail.includes(`${file} is not used, no finding is ignored: another user can change`),
    ),
  );
  assert.equal(r.code, 1);
});
