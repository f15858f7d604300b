/**
 * Which application runtimes the host shows no trace of, from the facts of the other audit areas: an
 * attack that works only against a Java or a PHP application (a rule's `runtime`) and whose answer does
 * not show success (a JNDI lookup; a catch-all page) is `failed`, not `unknown`, where nothing could have
 * run it. Pure.
 *
 * "Absent" is said only on positive evidence of every way a request could reach the runtime:
 * - the live process list was read and no process is one of it (run without root on a /proc mounted
 *   with hidepid, other users' processes would be missing: the audit is meant to run as root);
 * - the package database was read and no package is one of it (a runtime, mod_php, an application
 *   server);
 * - Apache's configuration was read and loads no module that runs it or hands requests to it (mod_php,
 *   mod_jk, mod_proxy_fcgi for PHP-FPM) and none that passes requests to another server
 *   (`mod_proxy_http`, `_balancer`...), where anything may answer;
 * - no other front server (nginx, HAProxy, Caddy...) runs whose logs may be among those read.
 * A root that is not the live system, or an unread package database or configuration, leaves it unknown.
 * What this cannot see: a runtime built from source that runs only per request (a hand-built php-cgi
 * behind mod_cgi); it leaves no package and no process between requests.
 */
import type { ApacheFacts } from "../../facts/apache.ts";
import type { HuntFacts } from "../../facts/hunt.ts";
import type { InventoryFacts } from "../../facts/inventory-types.ts";
import { type SiteRoutes, siteRoutes } from "./routes.ts";

export type Runtime = "java" | "php";

/**
 * What the host's other areas tell about the requests in its logs: the runtimes nothing on the host
 * could have run, and where Apache's configuration sends paths (routes.ts).
 */
export interface HostRuntimes {
  absent: Runtime[];
  routes: SiteRoutes[];
}

export const NO_HOST_FACTS: HostRuntimes = { absent: [], routes: [] };

interface Traces {
  /** A process's comm or executable name. */
  process: RegExp;
  /** A package name as the databases give them (`openjdk-17-jre-headless:amd64`, `php8.2-fpm`, `php82`). */
  pkg: RegExp;
  /** An Apache module that runs it (mod_php) or hands requests to it (mod_jk, mod_proxy_fcgi for PHP-FPM). */
  module: RegExp;
}

const TRACES: Record<Runtime, Traces> = {
  java: {
    process: /^(?:java|jsvc)$/,
    pkg: /^(?:default-j|openjdk|java-[\w.]{0,16}-?openjdk|temurin|zulu|amazon-corretto|oracle-j|adoptopenjdk|ibm-java|sapmachine|liberica|(?:tomcat|jetty|wildfly|jboss|glassfish|payara|elasticsearch|logstash|jenkins|confluence|jira)\d*(?:[-:.]|$))|-(?:jre|jdk)(?:[-:]|$)/i,
    module: /^(?:jk_module|proxy_ajp_module)$/i,
  },
  php: {
    process: /^(?:php|hhvm)/,
    pkg: /^(?:php|libapache2-mod-php|mod_php|hhvm)/i,
    module: /^(?:php\d*_module|fcgid_module|proxy_fcgi_module|fastcgi_module)$/i,
  },
};

/** Modules that pass a request to another server, where any runtime may answer it. */
const FORWARDING_MODULE = /^(?:proxy_(?:http2?|balancer|wstunnel|uwsgi|scgi|connect|express)_module)$/i;
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
  // Routes are the configuration's alone: they hold for a fixture root or a bundle too.
  const routes = siteRoutes(apache);
  const none = { absent: [], routes };
  if (!hunt?.live || hunt.processes.length === 0) return none;
  const packages = (inventory?.items ?? []).filter((i) => i.kind === "package").map((i) => i.key);
  if (packages.length === 0) return none;
  const configs = (apache?.installations ?? []).map((i) => i.config).filter((c) => c !== undefined);
  if (configs.length === 0) return none;
  const modules = configs.flatMap((c) => c.modules.map((m) => m.id));
  const names = hunt.processes.flatMap((p) => [p.comm, (p.exe ?? "").split("/").pop() ?? ""]);
  if (names.some((n) => FRONT_SERVER.test(n)) || modules.some((m) => FORWARDING_MODULE.test(m))) return none;
  const absent = (Object.keys(TRACES) as Runtime[]).filter((r) => {
    const t = TRACES[r];
    return (
      !names.some((n) => t.process.test(n)) &&
      !packages.some((p) => t.pkg.test(p)) &&
      !modules.some((m) => t.module.test(m))
    );
  });
  return { absent, routes };
}
