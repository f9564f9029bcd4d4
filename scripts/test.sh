#!/usr/bin/env bash
# `npm test`: install, check formatting, lint and unused code, build, typecheck and run every test (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] && [ -z "${CUITTY_SKIP_BROWSER_INSTALL:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the dashboard's browser tests (tests/e2e)…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "The dashboard's browser tests need Chromium: sudo apt-get install -y chromium" >&2
  fi
fi
read -r -a PNPM <<<"$(bash scripts/bootstrap.sh)"
# Formatting, lint and unused code first (seconds), then every package; a failure of either fails the run,
# but the tests still run so one report shows everything.
checks=0
"${PNPM[@]}" exec biome ci --colors=off . || checks=$?
"${PNPM[@]}" exec knip || checks=$?
"${PNPM[@]}" exec turbo run build typecheck test --concurrency=1 --continue "$@"
exit "$checks"
