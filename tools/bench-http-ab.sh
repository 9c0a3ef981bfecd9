#!/usr/bin/env bash
# Two builds of `onemap serve` under the same load, to see what a change costs on the hot
# HTTP paths: nearest-shelter (k = 3) over the query points and one cached z14 tile, with
# wrk on loopback (2 threads, 64 connections, 10 s). The builds take turns, ROUNDS times
# (default 3), each on its own copy of the data, each measured only after its road
# hierarchy is built (that build would take a core). Last, nginx serving the same tile
# file: the loopback ceiling for a static answer of that size.
#
# usage: tools/bench-http-ab.sh OLD_BIN NEW_BIN DATA.gpkg POINTS.csv
# (DATA and POINTS as tools/bench-http.sh makes them: the city-sized Chifeng data.)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
old=$1 new=$2 data=$3 points=$4
rounds=${ROUNDS:-3}
work=$(mktemp -d)
chmod 755 "$work"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$data" "$work/old.gpkg"
cp "$data" "$work/new.gpkg"
tile=$(python3 -c "
import math
lon, lat, z = 118.905, 42.255, 14
n = 2 ** z
print(f'/tiles/{z}/{int((lon + 180) / 360 * n)}/{int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)}.png')")

measure() {  # name binary data
    local port log server
    port=$(free_port)
    log="$work/$1.log"
    "$2" serve --data "$3" --port "$port" --rules config/risk-rules.json > "$log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do grep -q "road hierarchy ready" "$log" && break; sleep 1; done
    local url="http://127.0.0.1:$port"
    curl -sf -o "$work/tile.png" "$url$tile"
    echo "$1 nearest-shelter: $(PATH_TEMPLATE='/query/nearest-shelter?lon={lon}&lat={lat}' POINTS="$points" wrk -t2 -c64 -d10s -s tools/wrk/points.lua "$url" | tail -1)"
    echo "$1 cached tile: $(wrk -t2 -c64 -d10s --latency "$url$tile" | grep -E 'Requests/sec|Non-2xx| 50%| 99%' | tr -s ' ' | tr '\n' ' ')"
    kill $server
    wait $server 2>/dev/null || true
}

for round in $(seq 1 "$rounds"); do
    echo "== round $round"
    measure old "$old" "$work/old.gpkg"
    measure new "$new" "$work/new.gpkg"
done

echo "== ceiling: nginx serving the same $(stat -c %s "$work/tile.png")-byte PNG"
mkdir -p "$(dirname "$work/www$tile")"
cp "$work/tile.png" "$work/www$tile"
chmod -R a+rX "$work/www"
port=$(free_port)
cat > "$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server { listen 127.0.0.1:$port; root $work/www; }
}
EOF
nginx -c "$work/nginx.conf"
echo "nginx cached tile: $(wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$port$tile" | grep -E 'Requests/sec|Non-2xx| 50%| 99%' | tr -s ' ' | tr '\n' ' ')"
nginx -c "$work/nginx.conf" -s stop
