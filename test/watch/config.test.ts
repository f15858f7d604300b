import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/load.ts";
import { translator } from "../../src/i18n/index.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const t = translator("en");

test("the commented example configuration is valid and equals the defaults", () => {
  const file = path.resolve(import.meta.dirname, "../../config/mamori.example.yaml");
  const example = loadConfig(file, t).config;
  const defaults = parseConfig("", "empty.yaml", t);
  assert.deepEqual(example, defaults);
  assert.equal(example.schedule, "*/15 * * * *");
  assert.equal(example.alerts.minSeverity, "high");
});

test("a wrong value names the file, the line and the key", () => {
  const text = [
    "schedule: '0 * * * *'",
    "alerts:",
    "  minSeverity: urgent",
    "  email:",
    "    host: mail",
    "    port: '25'",
    "    from: a@b.c",
    "    to: [x@y.z]",
    "",
  ].join("\n");
  assert.throws(
    () => parseConfig(text, "/etc/mamori/config.yaml", t),
    (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^\/etc\/mamori\/config\.yaml:3: alerts\.minSeverity: /m);
      assert.match(err.message, /^\/etc\/mamori\/config\.yaml:6: alerts\.email\.port: .*number/m);
      return true;
    },
  );
});

test("a misspelled key is an error at its own line; bad YAML says where", () => {
  assert.throws(() => parseConfig("alerts:\n  minSeverty: high\n", "c.yaml", t), {
    message: /^c\.yaml:2: alerts\.minSeverty: Unrecognized key/,
  });
  assert.throws(
    () => parseConfig("alerts:\n  webhooks:\n    - format: msteams\n      url: http://x/y\n", "c.yaml", t),
    { message: /^c\.yaml:3: alerts\.webhooks\.0\.format: / },
  );
  assert.throws(() => parseConfig("a: [1, 2\nb: 3\n", "c.yaml", t), {
    message: /^c\.yaml:\d+: not valid YAML/,
  });
});

test("the CLI reports configuration errors in one place, in the chosen language", async (t2) => {
  const dir = tempDir(t2);
  const cfg = path.join(dir, "c.yaml");
  fs.writeFileSync(cfg, "store:\n  busyTimeoutMs: -5\n");
  const r = await mamori(["history", "--config", cfg, "--db", path.join(dir, "h.db")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /c\.yaml:2: store\.busyTimeoutMs: /);
  const missing = await mamori(["history", "--config", path.join(dir, "nope.yaml"), "--lang", "ja"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /設定ファイル .*nope\.yaml が見つかりません/);
});

test("lang: --lang wins over the configuration, which wins over LANG", async (t2) => {
  const dir = tempDir(t2);
  const cfg = path.join(dir, "c.yaml");
  fs.writeFileSync(cfg, "lang: ja\n");
  const db = path.join(dir, "h.db");
  const fromConfig = await mamori(["history", "--config", cfg, "--db", db]);
  assert.match(fromConfig.stdout, /スキャン履歴/);
  const flag = await mamori(["history", "--config", cfg, "--db", db, "--lang", "en"]);
  assert.match(flag.stdout, /Scans in/);
});

test("SMTP credentials over a plain connection to another host are refused", () => {
  const text = [
    "alerts:",
    "  email:",
    "    host: smtp.example.org",
    "    security: none",
    "    user: mamori",
    "    from: a@b.c",
    "    to: [x@y.z]",
    "",
  ].join("\n");
  assert.throws(() => parseConfig(text, "c.yaml", t), {
    message: /^c\.yaml:4: alerts\.email\.security: .*clear text/,
  });
  assert.doesNotThrow(() => parseConfig(text.replace("smtp.example.org", "127.0.0.1"), "c.yaml", t));
});

test("configuration errors in Japanese, zod's sentences included", () => {
  const tja = translator("ja");
  assert.throws(() => parseConfig("store:\n  busyTimeoutMs: abc\n", "c.yaml", tja, "ja"), {
    message: /^c\.yaml:2: store\.busyTimeoutMs: 無効な入力: 数値が期待されました/,
  });
  assert.throws(() => parseConfig("alerts:\n  webhooks:\n    - format: slack\n", "c.yaml", tja, "ja"), {
    message: /url と urlEnv のどちらか一方/,
  });
});
