#!/usr/bin/env bash
# Looks at the grid worker's page on a phone-sized window and at the dashboard, as their
# users would: serves a fresh copy of the demo district, signs in as the first grid's
# worker, and saves screenshots (headless Chromium, Debian's, installed when missing).
# Usage: tools/screenshot-field.sh [OUT_DIR]   (default: docs/screenshots)
set -euo pipefail
out="$(realpath -m "${1:-docs/screenshots}")"
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
ONEMAP_BROWSER=1 tools/install-deps.sh
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
work="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$out"
"$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out "$work/demo.gpkg" > /dev/null
"$bin" risk build --data "$work/demo.gpkg" --note "demo" > /dev/null
grid=$(sqlite3 "$work/demo.gpkg" "SELECT code FROM grids ORDER BY code LIMIT 1")
token=$("$bin" tokens add --file "$work/tokens.json" --name 网格员 --role grid_worker --grid "$grid" 2>/dev/null)
port=$(free_port)
"$bin" serve --data "$work/demo.gpkg" --tokens "$work/tokens.json" --port "$port" --log-level warning > "$work/serve.log" 2>&1 &
server=$!
wait_for_health "$port"
/usr/bin/python3 tools/screenshot_field.py "http://127.0.0.1:$port" "$token" "$out"
