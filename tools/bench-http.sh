#!/usr/bin/env bash
# The HTTP service under load: `onemap serve` on the city-sized Chifeng data (1,000,000
# hazards, 20,000 shelters), and Debian's wrk on loopback (2 threads, 64 connections,
# 10 s each) against nearest-shelter, a 1 km bbox of hazards and a cached tile. Query
# points are the spatial benchmark's (data/generated/query-points.csv), one per request.
# Then the PostGIS peer (tools/bench_http_peer.sh) on the same shelters and points.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
tools/install-deps.sh
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"; DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
data=data/generated/chifeng.gpkg
if [ ! -f "$data" ]; then
    mkdir -p data/generated
    "$bin" demo --boundary data/chifeng_150400.gcj02.geojson --scale 20 --hazards 1000000 --shelters 20000 --out "$data"
fi
# The spatial benchmark writes these points; without it, points near random hazards.
[ -f data/generated/query-points.csv ] || python3 -c "
import random, sqlite3, sys
sys.path.insert(0, 'tools')
from bench_tiles_peer import hazard_points
rng = random.Random(2026)
with open('data/generated/query-points.csv', 'w') as f:
    f.write('lon,lat\\n')
    for lon, lat in hazard_points(sqlite3.connect('$data'), 10000):
        f.write(f'{lon + rng.gauss(0, 0.0035):.9f},{lat + rng.gauss(0, 0.0027):.9f}\\n')
"
port=$(free_port)
"$bin" serve --data "$data" --port "$port" --rules config/risk-rules.json > /tmp/onemap-bench-http.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_for_health "$port" 120
# The road hierarchy is built in the background after start; measure once it is done.
for _ in $(seq 1 600); do grep -q "road hierarchy ready" /tmp/onemap-bench-http.log && break; sleep 1; done
url="http://127.0.0.1:$port"
run() {
    echo "== $1"
    PATH_TEMPLATE="$2" POINTS=data/generated/query-points.csv wrk -t2 -c64 -d10s -s tools/wrk/points.lua "$url" | tail -1
}
run "nearest shelter (k = 3, the default)" "/query/nearest-shelter?lon={lon}&lat={lat}"
run "nearest shelter, k = 5" "/query/nearest-shelter?lon={lon}&lat={lat}&k=5"
run "hazards in a 1 km bbox, limit 10" "/collections/hazards/items?bbox={box}&limit=10"
tile=$(python3 -c "
import math
lon, lat, z = 118.905, 42.255, 14
n = 2 ** z
print(f'/tiles/{z}/{int((lon + 180) / 360 * n)}/{int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)}.png')")
curl -sf -o /dev/null "$url$tile"
echo "== cached tile $tile"
wrk -t2 -c64 -d10s --latency "$url$tile" | grep -E "Requests/sec| 50%| 99%"
kill $server 2>/dev/null || true
echo "== peer: PostGIS, the same nearest-shelter question in SQL (tools/bench_http_peer.sh)"
tools/bench_http_peer.sh "$data" data/generated/query-points.csv 2>&1 | grep -v NOTICE
