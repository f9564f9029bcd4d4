#!/usr/bin/env bash
# `npm start`: install, build, and run `cuitty serve` (args pass through, e.g. npm start -- --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a PNPM <<<"$(bash scripts/bootstrap.sh)"
"${PNPM[@]}" exec turbo run build --output-logs=errors-only
exec node apps/cli/dist/main.js serve "$@"
