#!/usr/bin/env bash
# Any city's one map from OpenStreetMap: install what is missing, build OneMap (release),
# build Helsinki's GeoPackage from the committed extract data/osm/helsinki.osm.pbf
# (© OpenStreetMap contributors, ODbL 1.0: see data/README.md), store its one map, ask it
# one question, and serve it (the web map at /map) until Ctrl-C. PORT=… changes the port
# (default 8080); OSM=FILE and OUT=FILE build another city.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
osm="${OSM:-data/osm/helsinki.osm.pbf}"
out="${OUT:-data/helsinki.gpkg}"
# Roads, facilities, shelters, hazards and a 500 m lattice of grids with residents
# estimated from building footprints; the summary says what came from which tags.
"$bin" osm "$osm" --out "$out" --grid-size 500
"$bin" info "$out"
echo
"$bin" risk build --data "$out" --rules config/risk-rules.json --note "from OpenStreetMap"
"$bin" risk stats --data "$out"
echo
echo "map data © OpenStreetMap contributors (ODbL 1.0); serving $out (Ctrl-C stops):"
exec "$bin" serve --data "$out" --host 127.0.0.1 --port "${PORT:-8080}"
