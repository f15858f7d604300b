import * as path from "node:path";
import { pathForUser, VerifiedDir } from "../core/dirfd.ts";
import { PushError } from "./push.ts";

/**
 * A client certificate or key file (PEM) for mutual TLS with the fleet server: owned by root or us,
 * writable by no one else, in a directory no one else can change, at most 1 MB.
 */
export function readClientPem(file: string, euid: number): string {
  try {
    const d = VerifiedDir.open(pathForUser(path.dirname(path.resolve(file)), euid), {
      privateTo: euid,
      readableByOthers: true,
    });
    try {
      const text = d
        .readTrusted(path.basename(file), { owner: euid, limit: 1024 * 1024 })
        .data.toString("utf8");
      if (!text.includes("-----BEGIN ")) throw new Error("not PEM");
      return text;
    } finally {
      d.close();
    }
  } catch (err) {
    throw new PushError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
