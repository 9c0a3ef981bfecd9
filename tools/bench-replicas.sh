#!/usr/bin/env bash
# OneMap over PostGIS on the generated city (BENCHMARKS.md, issue 19), in one run on this
# machine, with a private throwaway PostgreSQL cluster:
#   1. the city imported into PostGIS (features/s, every layer);
#   2. a replica's start-up on it (seconds to its "serving" line, resident memory);
#   3. write-to-visible latency on a second replica over 1,000 writes (tools/bench_replicas.py);
#   4. nearest-shelter throughput (wrk, 2 threads, 64 connections) on one replica directly,
#      through nginx round-robin over one replica, and over two;
#   5. the peer: PostGIS alone answering the same nearest-shelter question under pgbench
#      (64 clients, 2 threads), in the same database.
# Usage: tools/bench-replicas.sh [DATA.gpkg]   (default data/generated/chifeng.gpkg)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
data="${1:-data/generated/chifeng.gpkg}"
seconds="${BENCH_SECONDS:-10}"
[ -f "$data" ] || { echo "no $data: make it with onemap demo (see BENCHMARKS.md)" >&2; exit 1; }
ONEMAP_BROWSER=1 tools/install-deps.sh >/dev/null
swift build -c release --product onemap >&2
bin="$(swift build -c release --show-bin-path)/onemap"
work="$(mktemp -d)"
chmod 755 "$work"  # the cluster runs as postgres when this runs as root
cluster="$work/pg"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
    tools/postgres-cluster.sh stop "$cluster" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
named=$(tools/postgres-cluster.sh start "$cluster")
port=${named##*:}
url="postgres://onemap@localhost:$port/city?host=$cluster"
psql -h "$cluster" -p "$port" -U onemap -d postgres -qc "CREATE DATABASE city"
"$bin" db init "$url" >/dev/null

echo "== 1. import into PostGIS ($data)"
total=0
started=$(date +%s.%N)
for layer in admin_units grids hazards shelters facilities roads; do
    "$bin" import "$data" --layer "$layer" --source-layer "$layer" --into "$url" --quiet 2>&1 | grep -E "^(imported|copied)" | sed 's/^/   /' || true
done
ended=$(date +%s.%N)
total=$(psql -h "$cluster" -p "$port" -U onemap -d city -tAc \
    "SELECT (SELECT count(*) FROM admin_units) + (SELECT count(*) FROM grids) + (SELECT count(*) FROM hazards) + (SELECT count(*) FROM shelters) + (SELECT count(*) FROM facilities) + (SELECT count(*) FROM roads)")
awk -v n="$total" -v s="$(echo "$ended - $started" | bc)" 'BEGIN { printf "   all six layers: %d features in %.1f s, %.0f features/s (six onemap processes)\n", n, s, n / s }'

token=$("$bin" tokens add --file "$work/tokens.json" --name bench --role planner 2>/dev/null | head -1)
# start_replica PORT: starts a replica, waits for its "serving" line, prints seconds and memory.
start_replica() {
    local p=$1 begun
    begun=$(date +%s.%N)
    : > "$work/serve-$p.log"
    "$bin" serve --data "$url" --port "$p" --tokens "$work/tokens.json" --cache-directory "$work/cache-$p" --log-level notice > "$work/serve-$p.log" 2>&1 &
    pids+=($!)
    until grep -q '"serving"' "$work/serve-$p.log"; do
        kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/serve-$p.log" >&2; exit 1; }
        sleep 0.05
    done
    echo "   replica on :$p serving after $(echo "$(date +%s.%N) - $begun" | bc | xargs printf '%.2f') s"
}
echo "== 2. replica start-up on the city"
a=$(free_port); start_replica "$a"
sleep 8  # the driving graph and its hierarchy are built beside the first requests
echo "   resident after start: $(( $(ps -o rss= -p "${pids[0]}") / 1024 )) MB"
b=$(free_port); start_replica "$b"
sleep 8

echo "== 3. write-to-visible, A → B"
python3 tools/bench_replicas.py "http://127.0.0.1:$a" "http://127.0.0.1:$b" "$token" 1000 | sed 's/^/   /'

echo "== 4. nearest shelter (k = 5), wrk -t2 -c64 -d${seconds}s"
mkdir -p "$work/nginx"
proxy=$(free_port)
# proxy_config UPSTREAM...: nginx round-robin over the given replica ports, keep-alive to them.
proxy_config() {
    {
        echo "worker_processes 2; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log warn;"
        echo "events { worker_connections 1024; }"
        echo "http { access_log off; upstream onemap { keepalive 64;"
        for p in "$@"; do echo "  server 127.0.0.1:$p;"; done
        echo "} server { listen 127.0.0.1:$proxy; location / { proxy_pass http://onemap; proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
    } > "$work/nginx/nginx.conf"
}
load() { PATH_TEMPLATE="/query/nearest-shelter?lon={lon}&lat={lat}&k=5" POINTS=data/generated/query-points.csv \
    wrk -t2 -c64 -d"${seconds}s" -s tools/wrk/points.lua "$1" | tail -1; }
echo "   one replica, direct:          $(load "http://127.0.0.1:$a")"
proxy_config "$a"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
sleep 0.5
echo "   nginx → one replica:          $(load "http://127.0.0.1:$proxy")"
proxy_config "$a" "$b"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s reload
sleep 1
echo "   nginx → two replicas:         $(load "http://127.0.0.1:$proxy")"
kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
pids=()
sleep 1

echo "== 5. peer: PostGIS alone, the same question (5 nearest shelters, geodesic distances, GeoJSON) under pgbench -c64 -j2 -T$seconds"
cp data/generated/query-points.csv "$work/points.csv" && chmod a+r "$work/points.csv" "$work"
psql -h "$cluster" -p "$port" -U onemap -d city -q <<SQL >/dev/null
CREATE TABLE points (id serial PRIMARY KEY, lon double precision, lat double precision, geom geometry(Point, 4326));
\copy points (lon, lat) FROM '$work/points.csv' WITH (FORMAT csv, HEADER true)
UPDATE points SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326);
ANALYZE;
SQL
cat > "$work/nearest.sql" <<'SQL'
\set i random(1, 10000)
SELECT s.id, s.name, ST_Distance(s.geom::geography, p.geom::geography) AS distance_m, ST_AsGeoJSON(s.geom) AS geometry
FROM points p, LATERAL (SELECT * FROM shelters ORDER BY shelters.geom <-> p.geom LIMIT 5) s WHERE p.id = :i;
SQL
mkdir -p "$work/pgbench"
pgbench -h "$cluster" -p "$port" -U onemap -n -c 64 -j 2 -T "$seconds" -f "$work/nearest.sql" --log --log-prefix="$work/pgbench/tx" city 2>/dev/null \
    | grep -E "^tps" | sed 's/^/   /'
cat "$work"/pgbench/tx* | awk '{print $3}' | sort -n | awk '{a[NR] = $1} END {printf "   p50 %.2f ms, p99 %.2f ms\n", a[int(NR * 0.5)] / 1000, a[int(NR * 0.99)] / 1000}'
