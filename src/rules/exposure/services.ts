import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export type Risk = "critical" | "high" | "medium" | "low" | "expected";
export type BindSyntax = "keyword" | "assign" | "yaml" | "flag" | "json";
export type Proto = "tcp" | "udp";

export interface PortRange {
  protocol: Proto;
  from: number;
  to: number;
}

export interface BindSource {
  files: string[];
  directive: string;
  syntax: BindSyntax;
  /** The line to write instead, to listen on loopback only (or the safe setting). */
  safe: string;
  /** Only lines whose value matches count (a unit's ExecStart matters only with -H tcp://). */
  match?: RegExp;
}

/** A listener sample: must (service: id) or must not (null) classify as this entry. */
export interface ServiceSample {
  listen: string;
  process: string;
  service: string | null;
}

/** A configuration sample for a handler entry: whether the text leaves the handler open to everyone. */
export interface HandlerSample {
  config: string;
  open: boolean;
}

/** One known service from rules/exposure/services.yaml. */
export interface ServiceRule {
  id: string;
  name: string;
  risk: Risk;
  /** Dictionary key of the sentence that says why it matters. */
  why: string;
  listen: PortRange[];
  process: string[];
  unit?: string;
  /** Regular expressions over the command line whose first group names another configuration file. */
  argConfig: RegExp[];
  bind: BindSource[];
  samples: ServiceSample[];
  /** Apache handler (server-status, server-info) found in the configuration instead of a port. */
  handler?: string;
  /** Where the handler may be set (globs). */
  config: string[];
  handlerSamples: HandlerSample[];
}

const RISKS: readonly Risk[] = ["critical", "high", "medium", "low", "expected"];
const SYNTAXES: readonly BindSyntax[] = ["keyword", "assign", "yaml", "flag", "json"];

export function defaultRulesFile(): string {
  return path.resolve(
    path.dirname(new URL(import.meta.url).pathname),
    "../../../rules/exposure/services.yaml",
  );
}

/** "tcp/6379" or "tcp/6000-6063". */
export function parseListen(spec: string): PortRange {
  const m = /^(tcp|udp)\/(\d{1,5})(?:-(\d{1,5}))?$/.exec(spec.trim());
  if (!m) throw new Error(`invalid listen spec: ${spec}`);
  const from = Number(m[2]);
  const to = m[3] ? Number(m[3]) : from;
  if (from < 1 || to > 65535 || to < from) throw new Error(`invalid port range: ${spec}`);
  return { protocol: m[1] as Proto, from, to };
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string" || v === "") throw new Error(`${what}: expected a string`);
  return v;
}

function strList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list`);
  return v.map((x, i) => str(x, `${what}[${i}]`));
}

/** Parses and validates the services file; a mistake names the entry and field. */
export function parseServiceRules(text: string): ServiceRule[] {
  const doc = parse(text) as { services?: unknown };
  if (!doc || !Array.isArray(doc.services)) throw new Error("services.yaml: expected a `services` list");
  const seen = new Set<string>();
  return doc.services.map((raw: Record<string, unknown>, i: number) => {
    const id = str(raw.id, `services[${i}].id`);
    if (seen.has(id)) throw new Error(`services.yaml: duplicate id ${id}`);
    seen.add(id);
    const risk = str(raw.risk, `${id}.risk`) as Risk;
    if (!RISKS.includes(risk)) throw new Error(`${id}.risk: expected ${RISKS.join("|")}`);
    const bind = ((raw.bind as unknown[] | undefined) ?? []).map((b, j) => {
      const o = b as Record<string, unknown>;
      const syntax = str(o.syntax, `${id}.bind[${j}].syntax`) as BindSyntax;
      if (!SYNTAXES.includes(syntax))
        throw new Error(`${id}.bind[${j}].syntax: expected ${SYNTAXES.join("|")}`);
      return {
        files: strList(o.files, `${id}.bind[${j}].files`),
        directive: str(o.directive, `${id}.bind[${j}].directive`),
        syntax,
        safe: str(o.safe, `${id}.bind[${j}].safe`),
        match: o.match === undefined ? undefined : new RegExp(str(o.match, `${id}.bind[${j}].match`)),
      };
    });
    const handler = raw.handler === undefined ? undefined : str(raw.handler, `${id}.handler`);
    const rawSamples = (raw.samples as unknown[] | undefined) ?? [];
    const samples: ServiceSample[] = [];
    const handlerSamples: HandlerSample[] = [];
    for (const smp of rawSamples) {
      const o = smp as Record<string, unknown>;
      if (handler) {
        handlerSamples.push({ config: str(o.config, `${id}.samples.config`), open: o.open === true });
        continue;
      }
      samples.push({
        listen: str(o.listen, `${id}.samples.listen`),
        process: str(o.process, `${id}.samples.process`),
        service:
          o.service === null || o.service === undefined ? null : str(o.service, `${id}.samples.service`),
      });
    }
    return {
      id,
      name: str(raw.name, `${id}.name`),
      risk,
      why: str(raw.why, `${id}.why`),
      listen: strList(raw.listen, `${id}.listen`).map(parseListen),
      process: strList(raw.process, `${id}.process`),
      unit: raw.unit === undefined ? undefined : str(raw.unit, `${id}.unit`),
      argConfig: strList(raw.argConfig, `${id}.argConfig`).map((r) => new RegExp(r)),
      bind,
      samples,
      handler,
      config: strList(raw.config, `${id}.config`),
      handlerSamples,
    };
  });
}

export function loadServiceRules(file = defaultRulesFile()): ServiceRule[] {
  return parseServiceRules(readFileSync(file, "utf8"));
}

function baseName(s: string): string {
  return s.split("/").pop() ?? s;
}

/** Configuration files a process names on its command line (`--config /srv/mongod.conf`). */
export function configFilesFromArgv(rule: ServiceRule, argv: string[]): string[] {
  const line = argv.join(" ");
  const out: string[] = [];
  for (const re of rule.argConfig) {
    const m = re.exec(line);
    if (m?.[1]?.startsWith("/")) out.push(m[1]);
  }
  return out;
}

/**
 * The service a listener belongs to: a process name match wins (a service on a non-standard port is
 * still that service), then the port. `names` are the process's comm, exe and argv[0].
 */
export function classifyListener(
  rules: ServiceRule[],
  protocol: Proto,
  port: number,
  names: Array<string | undefined>,
): ServiceRule | undefined {
  const bases = new Set(names.filter((n): n is string => Boolean(n)).map(baseName));
  const byProcess = rules.find((r) => r.process.some((p) => bases.has(p)));
  if (byProcess) return byProcess;
  return rules.find((r) => r.listen.some((l) => l.protocol === protocol && port >= l.from && port <= l.to));
}
