#!/usr/bin/env bash
# Packs the publishable packages into npm tarballs (workspace:* resolved to versions), exactly what
# `pnpm publish` would upload: `bash scripts/packPackages.sh [DEST] [core sdk cli …]`. Build first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$(realpath -m "${1:-$root/dist-packages}")"
shift || true
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(core db api sdk cli server dashboard)
# The pnpm that runs this script (npm_execpath), else the one on PATH.
case "${npm_execpath:-}" in
  *pnpm*.cjs | *pnpm*.js) PNPM=(node "$npm_execpath") ;;
  *pnpm*) PNPM=("$npm_execpath") ;;
  *) PNPM=(pnpm) ;;
esac
mkdir -p "$dest"
cd "$root"
for p in "${packages[@]}"; do
  [ -d "packages/$p/dist" ] || [ -d "apps/$p/dist" ] || { echo "@cuitty/$p is not built: run pnpm exec turbo run build first" >&2; exit 1; }
  "${PNPM[@]}" --filter "@cuitty/$p" pack --pack-destination "$dest" >/dev/null
done
ls -1 "$dest"/*.tgz
