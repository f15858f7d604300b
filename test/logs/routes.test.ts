/**
 * Where Apache's configuration sends a path (src/checks/logs/routes.ts): only the shapes read without
 * running a regex, the aliases in Apache's order, and no route where it cannot be known for certain.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { catchAllShape, programFor, routesOfLog, siteRoutes } from "../../src/checks/logs/routes.ts";
import type { AliasEntry, ApacheFacts, LogDirective } from "../../src/facts/apache.ts";

const where = { file: "/etc/apache2/apache2.conf", line: 1, text: "x" };

function facts(
  aliases: Array<Partial<AliasEntry>>,
  logs: Array<Partial<LogDirective>>,
  modules: string[] = [],
) {
  return {
    installations: [
      {
        config: {
          modules: modules.map((id) => ({ id, source: `mod_${id}.c` })),
          aliases: aliases.map((a) => ({ kind: "Alias", url: "/", target: "/", where, ...a })),
          logs: logs.map((l) => ({ kind: "access", target: "/var/log/apache2/access.log", where, ...l })),
        },
      },
    ],
  } as unknown as ApacheFacts;
}

const SHOP = {
  kind: "ScriptAliasMatch" as const,
  url: "^/(?!css/|js/|img/|favicon|robots|cgi-bin/)(.*)$",
  target: "/srv/shop/cgi-bin/app.cgi/$1",
};

test("the shapes read: a lookahead of literal prefixes and .* or .+; nothing that needs a regex run", () => {
  assert.deepEqual(catchAllShape("^/(?!css/|js/)(.*)$"), { except: ["css/", "js/"], nonEmpty: false });
  assert.deepEqual(catchAllShape("^/(.*)"), { except: [], nonEmpty: false });
  assert.deepEqual(catchAllShape("^/(?!favicon\\.ico)(.+)$"), { except: ["favicon.ico"], nonEmpty: true });
  for (const re of [
    "^/api/(.*)$",
    "^/(?!a[bc])(.*)$",
    "^/(?!a|)(.*)$",
    "/(.*)",
    "^/(?!css/(.*)$",
    "^/(.*)\\.php$",
  ])
    assert.equal(catchAllShape(re), undefined, re);
});

test("a path the shop's ScriptAliasMatch takes is answered by its program; the excluded prefixes and earlier aliases are not", () => {
  const [site] = siteRoutes(
    facts([{ kind: "Alias", url: "/icons/", target: "/usr/share/apache2/icons/" }, SHOP], [{}]),
  );
  assert.ok(site);
  assert.equal(programFor(site, "/.env"), "/srv/shop/cgi-bin/app.cgi");
  assert.equal(programFor(site, "/.git/config"), "/srv/shop/cgi-bin/app.cgi");
  assert.equal(programFor(site, "/"), "/srv/shop/cgi-bin/app.cgi");
  assert.equal(programFor(site, "/css/.env"), undefined, "excluded prefix: the document root serves it");
  assert.equal(programFor(site, "/icons/.env"), undefined, "the Alias before it takes /icons/");
  assert.equal(programFor(site, "relative"), undefined);
});

test("no route where it cannot be known: a regex alias before it, mod_rewrite, a directory of programs, a shared log", () => {
  const opaque = { kind: "AliasMatch" as const, url: "^/docs/(.*)$", target: "/srv/docs/$1" };
  assert.equal(programFor(siteRoutes(facts([opaque, SHOP], [{}]))[0] as never, "/.env"), undefined);
  assert.deepEqual(siteRoutes(facts([SHOP], [{}], ["rewrite_module"])), [], "mod_rewrite maps paths first");
  assert.deepEqual(
    siteRoutes(facts([{ ...SHOP, target: "/usr/lib/cgi-bin/$1" }], [{}])),
    [],
    "each path names its own program",
  );
  // A virtual host with aliases of its own and no log of its own writes to the main server's log.
  assert.deepEqual(
    siteRoutes(
      facts([SHOP, { kind: "Alias", url: "/x/", target: "/srv/x/", vhost: "shop.example:80" }], [{}]),
    ),
    [],
  );
  // Two virtual hosts writing one log, routed differently.
  const two = siteRoutes(
    facts(
      [
        { ...SHOP, vhost: "a:80" },
        { kind: "Alias", url: "/x/", target: "/srv/x/", vhost: "b:80" },
      ],
      [{ vhost: "a:80" }, { vhost: "b:80" }],
    ),
  );
  assert.deepEqual(two, []);
});

test("a virtual host's own log gets its routes, and the log's rotations too", () => {
  const routes = siteRoutes(
    facts([{ ...SHOP, vhost: "shop:80" }], [{ vhost: "shop:80", target: "/var/log/apache2/shop.log" }, {}]),
  );
  assert.equal(routes.length, 1);
  for (const f of [
    "/var/log/apache2/shop.log",
    "/var/log/apache2/shop.log.1",
    "/var/log/apache2/shop.log.2.gz",
  ])
    assert.ok(routesOfLog(routes, f), f);
  for (const f of [
    "/var/log/apache2/access.log",
    "/var/log/apache2/shop.logx",
    "/var/log/apache2/shop.log.bak",
  ])
    assert.equal(routesOfLog(routes, f), undefined, f);
});
