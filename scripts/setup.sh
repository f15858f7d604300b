#!/usr/bin/env bash
# Installs the npm packages, with Node 24 from the npm registry (the `node` package).
# The machine's own Node may be older; everything in this repository runs on node_modules/.bin/node.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.mamori-setup
want=$(sha256sum package-lock.json | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/node ]; then
  exit 0
fi

npm ci --no-audit --no-fund >&2
v=$(node_modules/.bin/node --version)
case "$v" in
  v24.*) ;;
  *) echo "setup: expected Node 24 in node_modules/.bin/node, found $v" >&2; exit 1 ;;
esac
echo "$want" > "$stamp"
