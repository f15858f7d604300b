import { createHash, generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import { isIP } from "node:net";

/**
 * A self-signed X.509 certificate for the fleet server, written in DER by hand: Node can make and use keys
 * but not certificates, and running `openssl req` would mean trusting and spawning a binary as root for a
 * few hundred bytes of ASN.1. The encoder below writes only the fixed shapes a certificate needs (SEQUENCE,
 * SET, INTEGER, OID, strings, times, BIT/OCTET STRING, context tags); `X509Certificate` parses the result
 * and checks it against the key, and the tests read it back with `openssl x509`.
 *
 * The key is ECDSA P-256 (every TLS client, browsers included, accepts it). Agents pin the certificate's
 * SHA-256 fingerprint, so the names in it matter only to browsers (subjectAltName: the listen host,
 * localhost, 127.0.0.1, ::1).
 */

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);

/** A non-negative INTEGER from big-endian bytes (leading zeros dropped, a zero byte added before a high bit). */
function integer(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let b = bytes.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if ((b[0] as number) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out: number[] = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
}

function ipBytes(ip: string): Buffer | undefined {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  if (isIP(ip) !== 6) return undefined;
  // Expand "::" and read eight 16-bit groups.
  const [head = "", tail] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  if (groups.length !== 8 || groups.some((g) => g.includes("."))) return undefined;
  const out = Buffer.alloc(16);
  for (const [i, g] of groups.entries()) out.writeUInt16BE(Number.parseInt(g, 16) & 0xffff, i * 2);
  return out;
}

export interface SelfSigned {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs joined by ':' (as openssl and Node print it). */
  fingerprint: string;
}

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

/** A new P-256 key and a certificate for it, valid from an hour before `now` for `days` days. */
export function selfSigned(hosts: string[], now: Date, days = 825): SelfSigned {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const serial = createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .update(now.toISOString())
    .digest()
    .subarray(0, 16);
  serial[0] = (serial[0] as number) & 0x7f;
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from("mamori server", "utf8")))));
  const names: Buffer[] = [];
  const seen = new Set<string>();
  for (const h of [...hosts, "localhost", "127.0.0.1", "::1"]) {
    if (!h || seen.has(h)) continue;
    seen.add(h);
    const ip = ipBytes(h);
    if (ip) names.push(tlv(0x87, ip));
    else if (/^[A-Za-z0-9.-]{1,253}$/.test(h)) names.push(tlv(0x82, Buffer.from(h, "ascii")));
  }
  const extensions = tlv(
    0xa3,
    seq(
      seq(oid("2.5.29.19"), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq())), // basicConstraints, critical, CA:FALSE
      seq(oid("2.5.29.15"), tlv(0x01, Buffer.from([0xff])), tlv(0x04, tlv(0x03, Buffer.from([0x07, 0x80])))), // keyUsage: digitalSignature
      seq(oid("2.5.29.37"), tlv(0x04, seq(oid("1.3.6.1.5.5.7.3.1")))), // extKeyUsage: serverAuth
      seq(oid("2.5.29.17"), tlv(0x04, seq(...names))), // subjectAltName
    ),
  );
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name,
    seq(time(new Date(now.getTime() - 3600_000)), time(new Date(now.getTime() + days * 86400_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), signature));
  const b64 = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
  const cert = new X509Certificate(certPem);
  if (!cert.verify(publicKey) || !cert.checkPrivateKey(privateKey))
    throw new Error("self-signed certificate does not verify");
  return {
    certPem,
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    fingerprint: cert.fingerprint256,
  };
}

/** "ab:CD…" or "abcd…" (64 hex digits, any case, optional ':' and a "SHA256:" prefix) as AB:CD:…; else undefined. */
export function normalizeFingerprint(s: string): string | undefined {
  const hex = s
    .trim()
    .replace(/^sha-?256[:=]?/i, "")
    .replaceAll(":", "")
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.replace(/(..)(?!$)/g, "$1:");
}
