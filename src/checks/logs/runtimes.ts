/**
 * Which application runtimes the host shows no trace of, from the facts of the other audit areas: an
 * attack that works only against a Java application (a rule's `runtime: java`) and whose answer cannot
 * show success (a JNDI lookup) is `failed`, not `unknown`, where nothing could have run it. Pure.
 *
 * "Absent" is said only on positive evidence of every way a request could reach the runtime:
 * - the live process list was read and no process is a JVM (run without root on a /proc mounted with
 *   hidepid, other users' processes would be missing from it: the audit is meant to run as root);
 * - the package database was read and no package is a Java runtime or a Java application server;
 * - Apache's configuration was read and loads no module that passes a request to another server
 *   (`mod_proxy_http`, `_ajp`, `_balancer`, `mod_jk`...; `mod_proxy_fcgi` for PHP-FPM is no such way);
 * - no other front server (nginx, HAProxy, Caddy...) runs whose logs may be among those read.
 * A fixture root, a host read without root or an unparsed configuration leaves it unknown.
 */
import type { ApacheFacts } from "../../facts/apache.ts";
import type { HuntFacts } from "../../facts/hunt.ts";
import type { InventoryFacts } from "../../facts/inventory-types.ts";

export type Runtime = "java";

/** The runtimes nothing on the host could have run, with the facts that say so. */
export interface HostRuntimes {
  absent: Runtime[];
}

export const NO_HOST_FACTS: HostRuntimes = { absent: [] };

const JVM_PROCESS = /^(?:java|jsvc)$/;
// Package names as the databases give them (`openjdk-17-jre-headless:amd64`, `java-17-openjdk`, `tomcat10`).
const JAVA_PACKAGE =
  /^(?:default-j|openjdk|java-[\w.]{0,16}-?openjdk|temurin|zulu|amazon-corretto|oracle-j|adoptopenjdk|ibm-java|sapmachine|liberica|(?:tomcat|jetty|wildfly|jboss|glassfish|payara|elasticsearch|logstash|jenkins|confluence|jira)\d*(?:[-:.]|$))|-(?:jre|jdk)(?:[-:]|$)/i;
const FORWARDING_MODULE = /^(?:proxy_(?!fcgi_module$|module$)\w+_module|jk_module|proxy_module_jk)$/i;
const FRONT_SERVER = /^(?:nginx|openresty|haproxy|caddy|traefik|envoy|lighttpd|h2o)$/;

/** The other areas' facts, as a bundle holds them (any may be missing). */
export interface OtherAreas {
  apache?: unknown;
  hunt?: unknown;
  inventory?: unknown;
}

export function hostRuntimes(areas: OtherAreas): HostRuntimes {
  const hunt = areas.hunt as HuntFacts | undefined;
  const inventory = areas.inventory as InventoryFacts | undefined;
  const apache = areas.apache as ApacheFacts | undefined;
  if (!hunt?.live || hunt.processes.length === 0) return NO_HOST_FACTS;
  const packages = (inventory?.items ?? []).filter((i) => i.kind === "package").map((i) => i.key);
  if (packages.length === 0) return NO_HOST_FACTS;
  const configs = (apache?.installations ?? []).map((i) => i.config).filter((c) => c !== undefined);
  if (configs.length === 0) return NO_HOST_FACTS;
  const names = hunt.processes.flatMap((p) => [p.comm, (p.exe ?? "").split("/").pop() ?? ""]);
  if (names.some((n) => FRONT_SERVER.test(n))) return NO_HOST_FACTS;
  const java =
    !names.some((n) => JVM_PROCESS.test(n)) &&
    !packages.some((p) => JAVA_PACKAGE.test(p)) &&
    !configs.some((c) => c.modules.some((m) => FORWARDING_MODULE.test(m.id)));
  return { absent: java ? ["java"] : [] };
}
