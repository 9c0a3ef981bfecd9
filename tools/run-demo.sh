#!/usr/bin/env bash
# The README's run command: install what is missing, build OneMap (release), build the
# Kangbashi demo GeoPackage from the committed boundary and generator, show it, ask it one
# spatial query, store its one map, seed tiles, write the planner's shelter report, and
# serve it all over HTTP (the web map at /map) until Ctrl-C. PORT=… changes the port
# (default 8080).
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
"$bin" query nearest-shelter --data data/kangbashi.gpkg --lon 109.7810 --lat 39.6080 --k 3 --min-room 500
# The demo's one map, stored as a version, with areas and residents per colour.
echo
"$bin" risk build --data data/kangbashi.gpkg --rules config/risk-rules.json --note "demo"
"$bin" risk stats --data data/kangbashi.gpkg
# A small pyramid of the one map's tiles (zooms 10-14), in an MBTiles file GDAL opens.
echo
"$bin" tiles seed --data data/kangbashi.gpkg --rules config/risk-rules.json --zooms 10-14 --cache tiles/demo.mbtiles
# The planner's report: which grids lack an emergency shelter within 500 m, and where three
# new shelters would bring the most residents within it (HTML with a map; open it in a browser).
echo
"$bin" plan shelters --data data/kangbashi.gpkg --add 3 --report data/demo-shelters-report.html | sed -n '/^Standards/,/^Siting summary/p'
echo "the planner's report: data/demo-shelters-report.html (also at /plan/shelters?add=3&format=html)"
echo
# The commander's example: a leak at the level-1 hazardous-chemical firm H-0000283, the
# kind's zones (isolation 500 m, evacuation 2,000 m), and its briefing.
"$bin" incident create --data data/kangbashi.gpkg --kind hazardous_chemical_leak --hazard H-0000283 --id INC-DEMO-LEAK --as 值班指挥 > /dev/null  # prints its figures
"$bin" incident briefing INC-DEMO-LEAK --data data/kangbashi.gpkg -o data/demo-incident-briefing.html 2> /dev/null
echo "the commander's briefing: data/demo-incident-briefing.html (also at /incidents/INC-DEMO-LEAK/briefing)"
# Tokens for writing (a planner, the grid worker of the first grid, a commander), made once
# and shown only then: the file keeps their SHA-256 hashes (mode 0600).
tokens=data/demo-tokens.json
if [ -f "$tokens" ] && ! grep -q '"sha256"' "$tokens"; then
    "$bin" tokens migrate --file "$tokens"  # an older demo's plain tokens
fi
if [ ! -f "$tokens" ]; then
    grid=$(sqlite3 data/kangbashi.gpkg "SELECT code FROM grids ORDER BY code LIMIT 1")
    echo
    echo "write tokens (shown only now; keep them):"
    echo "  planner 规划科:        $("$bin" tokens add --file "$tokens" --name 规划科 --role planner 2>/dev/null)"
    echo "  grid worker 网格员 ($grid): $("$bin" tokens add --file "$tokens" --name 网格员 --role grid_worker --grid "$grid" 2>/dev/null)"
fi
if ! grep -q '"commander"' "$tokens"; then
    echo "  commander 值班指挥:      $("$bin" tokens add --file "$tokens" --name 值班指挥 --role commander 2>/dev/null)"
fi
echo
port="${PORT:-8080}"
echo "pages: http://127.0.0.1:$port/map (the one map, live), http://127.0.0.1:$port/field (the grid worker's page: sign in with the grid worker's token), http://127.0.0.1:$port/dashboard"
echo "write tokens: $tokens (hashes; \`onemap tokens add|list|revoke --file $tokens\`, then kill -HUP the server); serving the demo one map (Ctrl-C stops):"
exec "$bin" serve --data data/kangbashi.gpkg --tokens "$tokens" --host 127.0.0.1 --port "${PORT:-8080}"
