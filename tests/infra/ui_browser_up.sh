#!/usr/bin/env bash
# Prepares the browser test of `jobc ui` (tests/ui_browser/ui_test.mjs): Debian's Chromium and
# Node.js (root only; without them the test says it skips), and playwright-core installed with
# `npm ci` from the pinned tests/ui_browser/package-lock.json into tests/ui_browser/node_modules
# (never globally; no browser download: the test drives /usr/bin/chromium). Idempotent: npm ci
# of one package takes a second.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
say() { echo "ui_browser_up: $*" >&2; }

packages=(chromium sqlite3)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
. "$ROOT/scripts/lib/debian_packages.sh"
mapfile -t missing < <(missing_debian_packages "${packages[@]}")
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing ${missing[*]}"
    timeout 600 apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "not root: cannot install ${missing[*]} (the browser test will skip)"
  fi
fi

cd "$ROOT/tests/ui_browser"
command -v npm >/dev/null || { say "no npm: the browser test will skip"; exit 0; }
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 600 npm ci --ignore-scripts --no-audit --no-fund >&2
