#!/usr/bin/env bash
# Import benchmark: 1,000,000 points as a GeoJSON sequence into a fresh GeoPackage,
# with wall time and peak resident memory; GDAL's ogr2ogr on the same file as the peer.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
tools/install-deps.sh
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tools/make-points.py "$n" > "$work/points.geojsonl"
echo "input: $n points, $(du -h "$work/points.geojsonl" | cut -f1)"
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r seconds kb < "$work/time"
  printf '%-28s %8.1f s %10.0f MB peak RSS\n' "$label" "$seconds" "$((kb / 1024))"
}
measure "onemap import" "$bin" import "$work/points.geojsonl" --layer hazards --into "$work/onemap.gpkg" --quiet
measure "ogr2ogr (GDAL $(gdal-config --version 2>/dev/null || ogrinfo --version | cut -d' ' -f2 | tr -d ,))" \
  ogr2ogr -f GPKG "$work/gdal.gpkg" "$work/points.geojsonl" -nln hazards
"$bin" info "$work/onemap.gpkg" | tail -1
