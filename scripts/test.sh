#!/usr/bin/env bash
# `npm test`: install, build, typecheck and run every test of every package (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a PNPM <<<"$(bash scripts/bootstrap.sh)"
"${PNPM[@]}" exec turbo run build typecheck test --concurrency=1 "$@"
