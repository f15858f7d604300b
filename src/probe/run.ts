import { randomBytes } from "node:crypto";
import type { Translator } from "../i18n/index.ts";
import {
  type Banner,
  bannerVerdict,
  deferToDedicated,
  envKeys,
  isApache,
  isDirectoryListing,
  looksLikeGitHead,
  type PrefixAnswers,
  parseErrorSignature,
  parseServerHeader,
  traversalPath,
  traversalVerdict,
} from "./analyse.ts";
import { type Endpoint, hostHeader, isTlsError, type RawResponse, rawRequest } from "./http.ts";
import { type HostRateLimiter, mapPool } from "./limits.ts";
import { parseTarget } from "./targets.ts";
import {
  DEFAULT_READ_FILE,
  type ProbeCheck,
  type ProbeEvidence,
  type ProbeOptions,
  type ProbeTarget,
} from "./types.ts";

/** The Alias targets every Apache install has (Debian and upstream): traversal goes through them. */
export const DEFAULT_PREFIXES = ["/icons/", "/cgi-bin/"];

interface Session {
  ep: Endpoint;
  opts: ProbeOptions;
  limiter: HostRateLimiter;
  t: Translator;
  /** A random name per target, so no request can hit a real file (and logs show it was mamori). */
  token: string;
  /** Requests in a row that got no answer; at MAX_SILENT the target is given up (bounded time per target). */
  silent: number;
  gaveUp: boolean;
}

/** After this many unanswered requests in a row, the rest of a target's requests are not sent. */
const MAX_SILENT = 2;

async function send(
  s: Session,
  method: string,
  path: string,
  headers?: Record<string, string>,
): Promise<RawResponse> {
  if (s.gaveUp)
    return { headers: {}, body: Buffer.alloc(0), bytes: 0, truncated: false, error: "not-sent", ms: 0 };
  await s.limiter.acquire(s.ep.hostname.toLowerCase());
  const r = await rawRequest(
    s.ep,
    method,
    path,
    { timeoutMs: s.opts.timeoutMs, maxBytes: s.opts.maxBytes },
    headers,
  );
  s.silent = r.status === undefined ? s.silent + 1 : 0;
  if (s.silent >= MAX_SILENT) s.gaveUp = true;
  return r;
}

/** One request as evidence; notes in the report language (t), server text kept raw for renderers to escape. */
function ev(
  method: string,
  path: string,
  r: RawResponse,
  note: string | undefined,
  t: Translator,
): ProbeEvidence {
  const parts = [
    note,
    r.error ? t("exposure.probe.note.error", { code: r.error }) : undefined,
    r.truncated ? t("exposure.probe.note.truncated", { bytes: r.bytes }) : undefined,
  ].filter(Boolean);
  return {
    method,
    path,
    status: r.status,
    bytes: r.bytes,
    note: parts.length ? parts.join("; ") : undefined,
  };
}

function bodyText(r: RawResponse): string {
  return r.body.toString("latin1");
}

function headerValue(r: RawResponse, name: string): string | undefined {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Follows redirects from the given path: same host only unless allowed; the endpoint may change scheme or port. */
async function baseline(
  s: Session,
  path: string,
  evidence: ProbeEvidence[],
): Promise<{ res: RawResponse; path: string; finalUrl: string; redirected: boolean }> {
  let redirected = false;
  let res = await send(s, "GET", path);
  evidence.push(ev("GET", path, res, undefined, s.t));
  for (let hop = 0; hop < s.opts.maxRedirects; hop++) {
    if (!res.status || res.status < 300 || res.status > 399) break;
    const loc = headerValue(res, "location");
    if (!loc) break;
    let next: URL;
    try {
      next = new URL(loc, `${s.ep.protocol}//${hostFor(s.ep)}${path}`);
    } catch {
      break;
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") break;
    const nextHost = next.hostname.replace(/^\[|\]$/g, "");
    if (nextHost.toLowerCase() !== s.ep.hostname.toLowerCase() && !s.opts.crossHostRedirects) {
      const last = evidence.at(-1);
      if (last) last.note = s.t("exposure.probe.note.redirectOtherHost", { location: loc.slice(0, 200) });
      break;
    }
    s.ep = {
      ...s.ep,
      protocol: next.protocol as Endpoint["protocol"],
      hostname: nextHost,
      port: next.port ? Number(next.port) : next.protocol === "https:" ? 443 : 80,
    };
    path = (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(next.href)?.[1] || "/").replace(/^(?!\/)/, "/");
    res = await send(s, "GET", path);
    redirected = true;
    evidence.push(ev("GET", path, res, s.t("exposure.probe.note.redirected"), s.t));
  }
  return { res, path, finalUrl: `${s.ep.protocol}//${hostFor(s.ep)}${path}`, redirected };
}

const hostFor = hostHeader;

function check(
  id: string,
  cves: string[],
  verdict: ProbeCheck["verdict"],
  confidence: ProbeCheck["confidence"],
  evidence: ProbeEvidence[],
  summary?: string,
): ProbeCheck {
  return { id, cves, verdict, confidence, summary, evidence };
}

async function probeTraversal(s: Session, apacheSeen: boolean): Promise<ProbeCheck[]> {
  const { t, opts } = s;
  const prefixes = [...new Set([...DEFAULT_PREFIXES, ...opts.paths])];
  const answers: PrefixAnswers[] = [];
  // Each request is tagged with the form it belongs to; baseline and control count for both CVEs.
  const tagged: Array<{ form: "both" | "single" | "double"; e: ProbeEvidence }> = [];
  const missing = `etc/mamori-${s.token}-nonexistent`;
  for (const prefix of prefixes) {
    const a: PrefixAnswers = { prefix };
    const base = `${prefix.endsWith("/") ? prefix : `${prefix}/`}mamori-${s.token}-nonexistent`;
    const rb = await send(s, "GET", base);
    a.baseline = rb.status;
    tagged.push({ form: "both", e: ev("GET", base, rb, t("exposure.probe.note.baseline"), s.t) });
    const forms = [
      ["control", "literal", "both", "exposure.probe.note.control"],
      ["single", "single", "single", "exposure.probe.note.single"],
      ["double", "double", "double", "exposure.probe.note.double"],
    ] as const;
    for (const [key, form, tag, note] of forms) {
      const path = traversalPath(prefix, form, opts.depth, missing);
      const r = await send(s, "GET", path);
      a[key] = r.status;
      tagged.push({ form: tag, e: ev("GET", path, r, t(note), s.t) });
    }
    answers.push(a);
  }
  const results: ProbeCheck[] = [];
  for (const [cve, form] of [
    ["CVE-2021-41773", "single"],
    ["CVE-2021-42013", "double"],
  ] as const) {
    const v = traversalVerdict(answers, form, apacheSeen);
    const mine = tagged.filter((x) => x.form === "both" || x.form === form).map((x) => x.e);
    const verdict = v.verdict;
    let confidence = v.confidence;
    let summary =
      v.verdict === "vulnerable"
        ? t("exposure.probe.traversal.vulnerable", { prefix: v.via ?? "", cve })
        : v.verdict === "not-vulnerable"
          ? t("exposure.probe.traversal.patched", { cve })
          : t("exposure.probe.traversal.inconclusive", { cve });
    if (verdict === "vulnerable" && opts.confirmRead && v.via && !/cgi|script/i.test(v.via)) {
      const file = opts.readFile ?? DEFAULT_READ_FILE;
      const path = traversalPath(v.via, form, opts.depth, file);
      const r = await send(s, "GET", path);
      const body = bodyText(r);
      const ok =
        r.status === 200 &&
        (opts.readFile ? !/<html|<!doctype/i.test(body.slice(0, 512)) : /Apache License/.test(body));
      mine.push(
        ev(
          "GET",
          path,
          r,
          ok
            ? t("exposure.probe.note.readConfirmed", { file, bytes: r.bytes })
            : t("exposure.probe.note.readFailed", { file }),
          t,
        ),
      );
      if (ok) {
        confidence = "confirmed";
        summary = t("exposure.probe.traversal.confirmed", { cve, file });
      }
    } else if (verdict === "vulnerable" && opts.confirmRead) {
      mine.push({ method: "-", path: "-", bytes: 0, note: t("exposure.probe.note.noReadViaCgi") });
    }
    results.push(check(cve.toLowerCase(), [cve], verdict, confidence, mine, summary));
  }
  return results;
}

async function probePage(
  s: Session,
  id: string,
  path: string,
  signature: RegExp,
  summaryKey: "exposure.probe.serverStatus" | "exposure.probe.serverInfo",
): Promise<ProbeCheck> {
  const r = await send(s, "GET", path);
  const found = r.status === 200 && signature.test(bodyText(r));
  const e = [ev("GET", path, r, undefined, s.t)];
  if (r.status === undefined)
    return check(id, [], "inconclusive", "possible", e, s.t("exposure.probe.noAnswer"));
  return check(
    id,
    [],
    found ? "vulnerable" : "not-vulnerable",
    found ? "confirmed" : "likely",
    e,
    found ? s.t(summaryKey) : undefined,
  );
}

/** Probes one target; every failure is a per-target result, never an exception. */
export async function probeOne(
  input: string,
  opts: ProbeOptions,
  limiter: HostRateLimiter,
  t: Translator,
): Promise<ProbeTarget> {
  const parsed = parseTarget(input);
  if (!parsed.endpoint || !parsed.url || !parsed.path)
    return {
      url: input,
      checks: [],
      error: t(`exposure.probe.error.${parsed.error ?? "invalid-url"}` as never),
    };
  const s: Session = {
    ep: { ...parsed.endpoint, insecure: opts.insecure },
    opts,
    limiter,
    t,
    token: randomBytes(6).toString("hex"),
    silent: 0,
    gaveUp: false,
  };
  const target: ProbeTarget = { url: parsed.url.href, checks: [] };
  const firstEvidence: ProbeEvidence[] = [];
  const first = await baseline(s, parsed.path, firstEvidence);
  if (first.res.status === undefined) {
    const code = first.res.error ?? "no-answer";
    target.error = errorMessage(code, opts, t);
    return target;
  }
  // Only where a redirect led: the URL as sent (`<` percent-encoded) is no other place.
  if (first.redirected && first.finalUrl !== target.url) target.finalUrl = first.finalUrl;

  // Banner: the Server header, and the signature on an error page (a file that cannot exist).
  const notFoundPath = `/mamori-${s.token}-nonexistent`;
  const nf = await send(s, "GET", notFoundPath);
  const bannerEvidence = [
    ...firstEvidence,
    ev("GET", notFoundPath, nf, t("exposure.probe.note.notFound"), s.t),
  ];
  const header = headerValue(first.res, "server") ?? headerValue(nf, "server");
  const fromHeader = header ? parseServerHeader(header) : undefined;
  const sig = parseErrorSignature(bodyText(nf)) ?? parseErrorSignature(bodyText(first.res));
  if (header)
    bannerEvidence[0] = { ...(bannerEvidence[0] as ProbeEvidence), note: `Server: ${header.slice(0, 200)}` };
  if (sig) {
    const last = bannerEvidence.at(-1) as ProbeEvidence;
    last.note = `${last.note ?? ""}: ${sig.raw}`;
  }
  // The error page signature may show a version the header hides (or the reverse): use whichever has one.
  const banner: Banner | undefined = [fromHeader, sig].find((b) => b?.version) ?? fromHeader ?? sig;
  const bv = bannerVerdict(banner);
  const apacheSeen = isApache(fromHeader) || isApache(sig);
  const traversal = await probeTraversal(s, apacheSeen);
  const bannerCheck = deferToDedicated(
    check(
      "banner",
      bv.cves,
      bv.verdict,
      bv.confidence,
      bannerEvidence,
      t(`exposure.probe.banner.${bv.reason}`, {
        product: banner?.product ?? "",
        version: banner?.version ?? "",
        distro: banner?.distro ?? "",
        cves: bv.cves.join(", "),
      }),
    ),
    traversal,
  );
  if (bannerCheck.deferredTo.length > 0)
    bannerCheck.check.summary = `${bannerCheck.check.summary ?? ""} ${t("exposure.probe.banner.deferred", { checks: bannerCheck.deferredTo.join(", ") })}`;
  target.checks.push(bannerCheck.check, ...traversal);

  // TRACE echoes the request back (cross-site tracing); a marker header shows whether it was echoed.
  const marker = `mamori-${s.token}`;
  const tr = await send(s, "TRACE", "/", { "X-Mamori-Trace": marker });
  const echoed = tr.status === 200 && bodyText(tr).includes(marker);
  target.checks.push(
    check(
      "trace",
      [],
      tr.status === undefined ? "inconclusive" : echoed ? "vulnerable" : "not-vulnerable",
      echoed ? "confirmed" : "likely",
      [ev("TRACE", "/", tr, undefined, s.t)],
      echoed ? t("exposure.probe.trace") : undefined,
    ),
  );

  // Directory listing: the page given, and /icons/ (Debian and upstream alias it).
  const listingEvidence: ProbeEvidence[] = [];
  let listed = isDirectoryListing(bodyText(first.res));
  listingEvidence.push({
    ...(firstEvidence.at(-1) as ProbeEvidence),
    note: listed ? t("exposure.probe.note.listing") : undefined,
  });
  for (const p of ["/icons/", ...opts.paths]) {
    const r = await send(s, "GET", p);
    const l = r.status === 200 && isDirectoryListing(bodyText(r));
    listed ||= l;
    listingEvidence.push(ev("GET", p, r, l ? t("exposure.probe.note.listing") : undefined, t));
  }
  const unanswered = listingEvidence.slice(1).every((e) => e.status === undefined);
  target.checks.push(
    check(
      "directory-listing",
      [],
      listed ? "vulnerable" : unanswered ? "inconclusive" : "not-vulnerable",
      listed ? "confirmed" : "likely",
      listingEvidence,
      listed ? t("exposure.probe.listing") : undefined,
    ),
  );

  target.checks.push(
    await probePage(
      s,
      "server-status",
      "/server-status",
      /Apache Server Status/i,
      "exposure.probe.serverStatus",
    ),
  );
  target.checks.push(
    await probePage(
      s,
      "server-info",
      "/server-info",
      /Apache Server Information/i,
      "exposure.probe.serverInfo",
    ),
  );

  const gh = await send(s, "GET", "/.git/HEAD");
  const git = gh.status === 200 && looksLikeGitHead(bodyText(gh));
  const gitNote = git
    ? t("exposure.probe.note.gitHead", {
        shape: bodyText(gh).trim().startsWith("ref:") ? "ref: refs/..." : "<commit id>",
      })
    : undefined;
  target.checks.push(
    check(
      "git-exposed",
      [],
      git ? "vulnerable" : gh.status === undefined ? "inconclusive" : "not-vulnerable",
      git ? "confirmed" : "likely",
      [ev("GET", "/.git/HEAD", gh, gitNote, t)],
      git ? t("exposure.probe.git") : undefined,
    ),
  );

  const en = await send(s, "GET", "/.env");
  const keys = en.status === 200 ? envKeys(bodyText(en), headerValue(en, "content-type")) : undefined;
  const envNote = keys
    ? t("exposure.probe.note.envKeys", {
        keys:
          keys
            .slice(0, 8)
            .map((k) => `${k.slice(0, 64)}=<redacted>`)
            .join(" ") + (keys.length > 8 ? " …" : ""),
      })
    : undefined;
  target.checks.push(
    check(
      "env-exposed",
      [],
      keys ? "vulnerable" : en.status === undefined ? "inconclusive" : "not-vulnerable",
      keys ? "confirmed" : "likely",
      [ev("GET", "/.env", en, envNote, t)],
      keys ? t("exposure.probe.env", { count: keys.length }) : undefined,
    ),
  );
  if (s.gaveUp) target.error = t("exposure.probe.error.gaveUp", { count: MAX_SILENT });
  return target;
}

function errorMessage(code: string, opts: ProbeOptions, t: Translator): string {
  if (isTlsError(code)) return t("exposure.probe.error.tls", { code });
  if (code === "timeout") return t("exposure.probe.error.timeout", { seconds: opts.timeoutMs / 1000 });
  if (code.startsWith("HPE_")) return t("exposure.probe.error.badHttp", { code });
  return t("exposure.probe.error.network", { code });
}

/** Probes every target with bounded concurrency and a per-host rate limit; results keep the input order. */
export async function probeAll(
  inputs: string[],
  opts: ProbeOptions,
  limiter: HostRateLimiter,
  t: Translator,
): Promise<ProbeTarget[]> {
  return mapPool(inputs, opts.concurrency, async (input) => {
    try {
      return await probeOne(input, opts, limiter, t);
    } catch (err) {
      return {
        url: input,
        checks: [],
        error: t("exposure.probe.error.network", { code: err instanceof Error ? err.message : String(err) }),
      };
    }
  });
}
