#!/usr/bin/env bash
# Installs the workspace with the pinned pnpm, using only Node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=12.4.2
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
  PNPM=(pnpm)
else
  PNPM=(npx -y "pnpm@$PNPM_VERSION")
fi
"${PNPM[@]}" install --frozen-lockfile --reporter=append-only >/dev/null
echo "${PNPM[@]}"
