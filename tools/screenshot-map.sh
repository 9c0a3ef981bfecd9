#!/usr/bin/env bash
# Looks at the web map the way a user would: serves the demo, opens /map in headless
# Chromium (Debian's chromium, installed when missing) and saves a screenshot.
# Usage: tools/screenshot-map.sh [OUT.png]   (default: map-screenshot.png in the working directory)
set -euo pipefail
out="$(realpath -m "${1:-map-screenshot.png}")"
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
tools/install-deps.sh
tools/ensure-chromium.sh
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
[ -f data/kangbashi.gpkg ] || "$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out data/kangbashi.gpkg
port=$(free_port)
"$bin" serve --data data/kangbashi.gpkg --port "$port" > /tmp/onemap-screenshot-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_for_health "$port" 60
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,900 \
    --virtual-time-budget=10000 --screenshot="$out" "http://127.0.0.1:$port/map" 2>/dev/null
echo "screenshot of http://127.0.0.1:$port/map: $out"
