#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, npm packages, type check, lint, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t pkgs < <(grep -v '^\s*#' scripts/apt-packages.txt | grep -v '^\s*$')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    # A package named with ":ARCH" (the arm64 libraries the emulated executable needs) needs that architecture.
    for a in $(printf '%s\n' "${missing[@]}" | sed -n 's/.*:\(.*\)$/\1/p' | sort -u); do
      dpkg --print-foreign-architectures | grep -qx "$a" || dpkg --add-architecture "$a"
    done
    apt-get update -qq >&2
    # policy-rc.d stops Debian from starting the services it installs: the tests start their own, on 127.0.0.1.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    rm -f /usr/sbin/policy-rc.d
  else
    echo "test: missing Debian packages (run as root to install): ${missing[*]}" >&2
  fi
fi

bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
node --version >&2
tsc --noEmit -p .
biome check --error-on-warnings .
node --test --test-concurrency=2 'test/**/*.test.ts'
