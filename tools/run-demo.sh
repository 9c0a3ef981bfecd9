#!/usr/bin/env bash
# The README's run command: install what is missing, build OneMap (release), build the
# Kangbashi demo GeoPackage from the committed boundary and generator, show it, and ask
# it one spatial query.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
"$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out data/kangbashi.gpkg
"$bin" info data/kangbashi.gpkg
# A commander at the district government square asks for the three nearest open shelters
# with room for 500 people (GeoJSON; distances in metres).
echo
echo "nearest open shelters with room for 500, from 109.7810 E 39.6080 N:"
"$bin" query nearest-shelter --data data/kangbashi.gpkg --lon 109.7810 --lat 39.6080 --k 3 --open --min-capacity 500
# The demo's one map, stored as a version, with areas and residents per colour.
echo
"$bin" risk build --data data/kangbashi.gpkg --rules config/risk-rules.json --note "demo"
"$bin" risk stats --data data/kangbashi.gpkg
# A small pyramid of the one map's tiles (zooms 10-14), in an MBTiles file GDAL opens.
echo
"$bin" tiles seed --data data/kangbashi.gpkg --rules config/risk-rules.json --zooms 10-14 --cache tiles/demo.mbtiles
