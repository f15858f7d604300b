import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Dashboard passwords, hashed with scrypt (memory-hard: N=2^15, r=8, p=1 is 32 MiB per guess), stored as
 * `scrypt$N$r$p$salt$hash` so the cost can rise later without breaking stored hashes.
 */
const N = 32768;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Bounded: a stored hash is ours, but never let it ask for absurd memory.
  if (!(n >= 1024 && n <= 1 << 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const salt = Buffer.from(parts[4] as string, "base64url");
  const want = Buffer.from(parts[5] as string, "base64url");
  if (want.length !== KEYLEN) return false;
  const got = await derive(password, salt, n, r, p);
  return timingSafeEqual(got, want);
}

/** A password hash to compare against when the user does not exist, so timing does not say which names do. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString("base64url")}$${Buffer.alloc(KEYLEN).toString("base64url")}`;
