#!/usr/bin/env bash
# The live feed's fan-out (500 SSE subscribers, 100 changes) and a 5 MB photo upload on
# the demo district, with the ceilings measured in the same run (tools/bench_events.py).
# Usage: tools/bench-events.sh [SUBSCRIBERS] [CHANGES]
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
tools/install-deps.sh
swift build -c release --product onemap >&2
bin="$(swift build -c release --show-bin-path)/onemap"
work="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out "$work/demo.gpkg" > /dev/null
token=$("$bin" tokens add --file "$work/tokens.json" --name bench --role planner 2>/dev/null)
port=$(free_port)
ulimit -n 4096
"$bin" serve --data "$work/demo.gpkg" --tokens "$work/tokens.json" --port "$port" --log-level warning > "$work/serve.log" 2>&1 &
server=$!
wait_for_health "$port"
python3 tools/bench_events.py "http://127.0.0.1:$port" "$token" "${1:-500}" "${2:-100}"
