#!/usr/bin/env bash
# The HTTP service under load, each figure beside its ceiling measured in the same run.
# `onemap serve` on the city-sized Chifeng data (1,000,000 hazards, 20,000 shelters) and
# Debian's wrk on loopback (2 threads, 64 connections, 10 s each) against nearest-shelter,
# a 1 km bbox of hazards and two cached tiles (a small z14 one, a dense z8 one at 512 px). Query
# points are the spatial benchmark's (data/generated/query-points.csv), one per request.
# The ceiling: Debian's nginx-light on loopback (started and stopped here, access log off)
# serving static files of the same sizes as the measured answers and the same tile bytes,
# with the same wrk settings; each line says what fraction of nginx's rate OneMap reached.
# Then the PostGIS peer (tools/bench_http_peer.sh) on the same shelters and points.
# BENCH_SKIP_PEER=1 leaves out PostGIS; BENCH_SECONDS sets wrk's duration (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
tools/install-deps.sh
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
for tool in wrk:wrk nginx:nginx-light; do
    command -v "${tool%%:*}" >/dev/null || [ -x "/usr/sbin/${tool%%:*}" ] \
        || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${tool#*:}" >/dev/null
done
# Debian starts the packaged nginx on port 80 when it installs it; this script runs its own.
$sudo systemctl disable --now nginx >/dev/null 2>&1 || $sudo service nginx stop >/dev/null 2>&1 || true
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
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
seconds=${BENCH_SECONDS:-10}
work=$(mktemp -d /tmp/onemap-bench-http.XXXXXX)
mkdir -p "$work/www" "$work/nginx" "$work/tiles"
# nginx's workers run as an unprivileged user: they must be able to read the files.
chmod 755 "$work" "$work/www"
port=$(free_port)
"$bin" serve --data "$data" --port "$port" --rules config/risk-rules.json --cache-directory "$work/tiles" > "$work/onemap.log" 2>&1 &
server=$!
nginx_pid=""
cleanup() {
    kill "$server" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
wait_for_health "$port" 120
# The road hierarchy is built in the background after start; measure once it is done.
for _ in $(seq 1 600); do grep -q "road hierarchy ready" "$work/onemap.log" && break; sleep 1; done
url="http://127.0.0.1:$port"
echo "OneMap serving, resident $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' /proc/$server/status)"

# nginx: static files, as a CDN or a web server would send them.
nginx_port=$(free_port)
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on; tcp_nopush on; tcp_nodelay on;
    keepalive_requests 100000;
    types { application/json json; image/png png; }
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/www;
    }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/" -w '' 2>/dev/null && break; [ -f "$work/nginx/nginx.pid" ] && break; sleep 0.1; done
sleep 0.5
ceiling="http://127.0.0.1:$nginx_port"

# wrk with the points script; prints "requests/s N, p50 …, p99 …".
load() { PATH_TEMPLATE="$2" POINTS=data/generated/query-points.csv wrk -t2 -c64 -d"${seconds}s" -s tools/wrk/points.lua "$1" | tail -1; }
rate() { sed -E 's/^requests\/s ([0-9]+).*/\1/'; }
# measure NAME PATH_TEMPLATE SAMPLE_PATH: OneMap on the template, nginx on a file the size of SAMPLE_PATH's answer.
measure() {
    local name=$1 template=$2 sample=$3 file
    file="$(echo "$name" | tr -c 'a-z0-9' '_').bin"
    curl -sf "$url$sample" -o "$work/www/$file"
    chmod 644 "$work/www/$file"
    local bytes; bytes=$(stat -c %s "$work/www/$file")
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$ceiling/$file")" = 200 ] || { echo "nginx does not serve $file" >&2; exit 1; }
    local ours theirs
    ours=$(load "$url" "$template")
    theirs=$(load "$ceiling" "/$file")
    echo "== $name ($bytes-byte answer)"
    echo "   OneMap: $ours"
    echo "   nginx:  $theirs"
    awk -v a="$(echo "$ours" | rate)" -v b="$(echo "$theirs" | rate)" 'BEGIN { printf "   OneMap at %.0f%% of the ceiling\n", 100 * a / b }'
}
first=$(sed -n 2p data/generated/query-points.csv)
lon=${first%,*}; lat=${first#*,}
measure "nearest shelter, k = 5" "/query/nearest-shelter?lon={lon}&lat={lat}&k=5" "/query/nearest-shelter?lon=$lon&lat=$lat&k=5"
measure "nearest shelter (k = 3, the default)" "/query/nearest-shelter?lon={lon}&lat={lat}" "/query/nearest-shelter?lon=$lon&lat=$lat"
measure "hazards in a 1 km bbox, limit 10" "/collections/hazards/items?bbox={box}&limit=10" \
    "/collections/hazards/items?bbox=$(python3 -c "print(f'{$lon-0.006:.6f},{$lat-0.0045:.6f},{$lon+0.006:.6f},{$lat+0.0045:.6f}')")&limit=10"
tile_path() { python3 -c "
import math
lon, lat, z = $1, $2, $3
n = 2 ** z
print(f'/tiles/{z}/{int((lon + 180) / 360 * n)}/{int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)}.png')"; }
# Small: a z14 tile (about 18 KB); large: the dense z8 tile at 512 px (@2x, about 140 KB).
for spec in "118.905 42.255 14 small" "118.905 42.255 8 large @2x"; do
    set -- $spec
    tile=$(tile_path "$1" "$2" "$3")
    [ -n "${5:-}" ] && tile="${tile%.png}$5.png"
    curl -sf -o /dev/null "$url$tile"   # drawn once and cached
    measure "cached tile, $4: $tile" "$tile" "$tile"
done
kill "$nginx_pid" 2>/dev/null || true; nginx_pid=""
kill "$server" 2>/dev/null || true
[ "${BENCH_SKIP_PEER:-0}" = 1 ] && exit 0
echo "== peer: PostGIS, the same nearest-shelter question in SQL (tools/bench_http_peer.sh)"
tools/bench_http_peer.sh "$data" data/generated/query-points.csv 2>&1 | grep -v NOTICE
