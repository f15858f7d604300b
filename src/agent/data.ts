/**
 * `mamori db update --from-server URL`: an enrolled host takes the vulnerability data and IOC lists from
 * its fleet server (air-gapped fleets update only the server). The same credential and pinned certificate
 * as pushing; each part is asked for with If-None-Match (the sha256 of what the host already has) and
 * replaced only after it parses and validates, in one rename.
 */

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../core/write-file.ts";
import type { Translator } from "../i18n/index.ts";
import { iocBundle, MAX_DATA_FILE, readDataFile } from "../server/rejudge.ts";
import { vulnDbSchema } from "../vulndb/schema.ts";
import { readClientPem } from "./client-cert.ts";
import { loadEnrollment, originOf, PushError, type Reply, request } from "./push.ts";

const IOC_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.json$/;
/** Where the IOC part's last ETag is kept (the lists may be joined by local ones, so it is not a hash of the directory). */
const IOC_ETAG = ".server-iocs.etag";

export interface FromServerOptions {
  url: string;
  dataDir: string;
  stateDir: string;
  euid: number;
  t: Translator;
}

export interface FromServerResult {
  origin: string;
  vulndb: "updated" | "current";
  iocs: "updated" | "current";
  /** The IOC files written. */
  iocFiles: string[];
}

function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function quoted(etag: string): string {
  return `"${etag}"`;
}

function failure(r: Reply, what: string, t: Translator, origin: string): PushError {
  let error = "";
  try {
    const v = JSON.parse((r.raw ?? Buffer.alloc(0)).toString("utf8")) as { error?: unknown };
    if (typeof v.error === "string") error = v.error.replace(/[^a-z0-9-]/g, "").slice(0, 40);
  } catch {
    error = "";
  }
  return new PushError(
    t("server.fromServer.bad", { url: origin, what, reason: `${r.status}${error ? ` ${error}` : ""}` }),
  );
}

export async function updateFromServer(o: FromServerOptions): Promise<FromServerResult> {
  const { t } = o;
  const u = originOf(o.url, t);
  const e = loadEnrollment(o.stateDir, o.euid, u.origin);
  if (!e) throw new PushError(t("server.fromServer.notEnrolled", { url: u.origin }));
  const auth = { authorization: `Bearer ${e.credential}` };
  // Mutual TLS: the client certificate the last push used (kept in the enrollment).
  const client =
    e.clientCertFile && e.clientKeyFile
      ? { cert: readClientPem(e.clientCertFile, o.euid), key: readClientPem(e.clientKeyFile, o.euid) }
      : undefined;
  const get = (p: string, etag: string | undefined) =>
    request(
      u,
      "GET",
      p,
      { ...auth, ...(etag ? { "if-none-match": quoted(etag) } : {}) },
      undefined,
      e.fingerprint,
      t,
      {
        maxReply: MAX_DATA_FILE,
        raw: true,
        client,
      },
    );

  // Vulnerability data: the ETag is the file's sha256.
  const vfile = path.join(o.dataDir, "vulndb.json");
  let have: string | undefined;
  try {
    have = sha256(readDataFile(vfile));
  } catch {
    have = undefined;
  }
  const v = await get("/api/v1/data/vulndb", have);
  let vulndb: FromServerResult["vulndb"] = "current";
  if (v.status === 200) {
    const body = v.raw ?? Buffer.alloc(0);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (err) {
      throw new PushError(
        t("server.fromServer.bad", { url: u.origin, what: "vulndb", reason: (err as Error).message }),
      );
    }
    const ok = vulnDbSchema.safeParse(parsed);
    if (!ok.success)
      throw new PushError(
        t("server.fromServer.bad", {
          url: u.origin,
          what: "vulndb",
          reason: `${ok.error.issues[0]?.path.join(".") ?? ""}: ${ok.error.issues[0]?.message ?? "invalid"}`,
        }),
      );
    fs.mkdirSync(o.dataDir, { recursive: true });
    writeFileAtomic(vfile, body, { mode: 0o644 });
    vulndb = "updated";
  } else if (v.status !== 304) throw failure(v, "vulndb", t, u.origin);

  // IOC lists: each file checked (name, JSON with a lists array) before any is written.
  const iocDir = path.join(o.dataDir, "iocs");
  let iocEtag: string | undefined;
  try {
    iocEtag = fs.readFileSync(path.join(iocDir, IOC_ETAG), "utf8").trim();
    if (!/^[0-9a-f]{64}$/.test(iocEtag)) iocEtag = undefined;
  } catch {
    // none yet: compare with the lists as they are (the shipped ones, the first time)
    try {
      iocEtag = sha256(Buffer.from(iocBundle(o.dataDir)));
    } catch {
      iocEtag = undefined;
    }
  }
  const i = await get("/api/v1/data/iocs", iocEtag);
  let iocs: FromServerResult["iocs"] = "current";
  const written: string[] = [];
  if (i.status === 200) {
    const body = i.raw ?? Buffer.alloc(0);
    let files: Record<string, unknown>;
    try {
      const parsed = JSON.parse(body.toString("utf8")) as { files?: unknown };
      if (!parsed.files || typeof parsed.files !== "object" || Array.isArray(parsed.files))
        throw new Error("no files object");
      files = parsed.files as Record<string, unknown>;
      for (const [name, content] of Object.entries(files)) {
        if (!IOC_NAME.test(name)) throw new Error(`file name ${JSON.stringify(name.slice(0, 80))}`);
        const c = content as { lists?: unknown };
        if (!c || typeof c !== "object" || !Array.isArray(c.lists))
          throw new Error(`${name}: no lists array`);
      }
    } catch (err) {
      throw new PushError(
        t("server.fromServer.bad", { url: u.origin, what: "iocs", reason: (err as Error).message }),
      );
    }
    fs.mkdirSync(iocDir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      writeFileAtomic(path.join(iocDir, name), `${JSON.stringify(content, null, 2)}\n`, { mode: 0o644 });
      written.push(name);
    }
    const etag = /^"([0-9a-f]{64})"$/.exec(String(i.headers?.etag ?? ""))?.[1] ?? sha256(body);
    writeFileAtomic(path.join(iocDir, IOC_ETAG), `${etag}\n`, { mode: 0o644 });
    iocs = "updated";
  } else if (i.status !== 304) throw failure(i, "iocs", t, u.origin);
  return { origin: u.origin, vulndb, iocs, iocFiles: written };
}
