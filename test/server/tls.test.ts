import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { openDataDir, tlsMaterial } from "../../src/server/data-dir.ts";
import { normalizeFingerprint, oid, selfSigned, tlv } from "../../src/server/tls/selfsigned.ts";
import { tempDir } from "../helpers/tmp.ts";

test("DER pieces: lengths past 127 bytes, OIDs with multi-byte arcs", () => {
  assert.deepEqual(tlv(0x04, Buffer.alloc(3)), Buffer.from([4, 3, 0, 0, 0]));
  assert.deepEqual(tlv(0x04, Buffer.alloc(200)).subarray(0, 3), Buffer.from([4, 0x81, 200]));
  assert.deepEqual(tlv(0x04, Buffer.alloc(300)).subarray(0, 4), Buffer.from([4, 0x82, 1, 44]));
  // 1.2.840.10045.4.3.2 (ecdsa-with-SHA256), as every X.509 library writes it.
  assert.equal(oid("1.2.840.10045.4.3.2").toString("hex"), "06082a8648ce3d040302");
});

test("the self-signed certificate is one Node and openssl both read, for its key, with the names asked for", (t) => {
  const made = selfSigned(["127.0.0.1", "fleet.example", "bad name!"], new Date("2026-03-01T00:00:00Z"));
  const x = new X509Certificate(made.certPem);
  assert.equal(x.fingerprint256, made.fingerprint);
  assert.match(made.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.ok(x.checkPrivateKey(createPrivateKey(made.keyPem)));
  assert.equal(x.subject, "CN=mamori server");
  assert.equal(
    x.subjectAltName,
    "IP Address:127.0.0.1, DNS:fleet.example, DNS:localhost, IP Address:0:0:0:0:0:0:0:1",
  );
  assert.equal(x.validFrom, "Feb 28 23:00:00 2026 GMT");
  assert.equal(x.checkIP("127.0.0.1"), "127.0.0.1");
  assert.equal(x.ca, false);
  const dir = tempDir(t, "mamori-cert-");
  const file = path.join(dir, "c.pem");
  fs.writeFileSync(file, made.certPem);
  const o = spawnSync(
    "/usr/bin/openssl",
    ["x509", "-in", file, "-noout", "-fingerprint", "-sha256", "-text"],
    {
      encoding: "utf8",
    },
  );
  assert.equal(o.status, 0, o.stderr);
  assert.ok(o.stdout.includes(`sha256 Fingerprint=${made.fingerprint}`), o.stdout);
  assert.match(o.stdout, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.match(o.stdout, /NIST CURVE: P-256/);
  const v = spawnSync("/usr/bin/openssl", ["verify", "-CAfile", file, file], { encoding: "utf8" });
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test("fingerprints are accepted with or without colons, in any case; anything else is refused", () => {
  const fp = `${"AB:".repeat(31)}CD`;
  assert.equal(normalizeFingerprint(fp.toLowerCase()), fp);
  assert.equal(normalizeFingerprint(fp.replaceAll(":", "")), fp);
  assert.equal(normalizeFingerprint(`SHA256:${fp}`), fp);
  assert.equal(normalizeFingerprint("AB:CD"), undefined);
  assert.equal(normalizeFingerprint(`${fp}:EF`), undefined);
});

test("the data directory is created 0700, the key 0600; the pair is made once and kept", (t) => {
  const base = tempDir(t, "mamori-data-");
  const dir = path.join(base, "srv");
  const d = openDataDir(dir, 0, true);
  try {
    const a = tlsMaterial(d, 0, { hosts: ["127.0.0.1"], now: new Date() });
    assert.ok(a.created);
    const b = tlsMaterial(d, 0, { hosts: ["127.0.0.1"], now: new Date() });
    assert.equal(b.created, false);
    assert.equal(b.fingerprint, a.fingerprint);
  } finally {
    d.close();
  }
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(dir, "tls-key.pem")).mode & 0o777, 0o600);
});

test("a data directory others could change is refused: group-writable, or under a world-writable parent", (t) => {
  const base = tempDir(t, "mamori-data-");
  const open = path.join(base, "open");
  fs.mkdirSync(open, { mode: 0o700 });
  fs.chmodSync(open, 0o770);
  assert.throws(() => openDataDir(open, 0, true), /mode 770/);
  const loose = path.join(base, "loose");
  fs.mkdirSync(loose);
  fs.chmodSync(loose, 0o777);
  assert.throws(() => openDataDir(path.join(loose, "srv"), 0, true), /mode 777/);
  assert.equal(fs.existsSync(path.join(loose, "srv")), false);
  // A link planted where the directory should be is not followed.
  fs.symlinkSync("/etc", path.join(base, "link"));
  assert.throws(() => openDataDir(path.join(base, "link"), 0, true));
});
