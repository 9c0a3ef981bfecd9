#!/usr/bin/env bash
# The README's run command: install what is missing, build OneMap (release), build the
# Kangbashi demo GeoPackage from the committed boundary and generator, and show it.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
"$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out data/kangbashi.gpkg
"$bin" info data/kangbashi.gpkg
