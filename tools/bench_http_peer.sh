#!/usr/bin/env bash
# The peer of the nearest-shelter endpoint: PostGIS 3 (Debian's postgresql-15-postgis-3)
# answering the same question in SQL for the same 10,000 query points, under pgbench with
# the same concurrency (64 clients, 2 threads, 10 s). The query is what a PostGIS service
# would run: the index's KNN order (<->, planar degrees) for the 5 nearest, with geodesic
# distances and the rows as GeoJSON. No HTTP on this side: it is the database alone.
# Usage: tools/bench_http_peer.sh DATA.gpkg POINTS.csv   (run as root or with sudo rights)
set -euo pipefail
data="$(realpath "$1")"; points="$(realpath "$2")"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
if [ ! -x /usr/lib/postgresql/15/bin/pgbench ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 >/dev/null
fi
$sudo pg_ctlcluster 15 main start 2>/dev/null || true
as_pg() { $sudo -u postgres "$@"; }
[ "$(id -u)" -eq 0 ] && as_pg() { su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; }
as_pg psql -q -c "DROP DATABASE IF EXISTS onemap_peer" >/dev/null
as_pg psql -q -c "CREATE DATABASE onemap_peer" >/dev/null
as_pg psql -q -d onemap_peer -c "CREATE EXTENSION postgis" >/dev/null
cp "$data" /tmp/onemap-peer.gpkg && chmod a+r /tmp/onemap-peer.gpkg
as_pg ogr2ogr -f PostgreSQL PG:dbname=onemap_peer /tmp/onemap-peer.gpkg shelters -nln shelters -lco GEOMETRY_NAME=geom >/dev/null
cp "$points" /tmp/onemap-peer-points.csv && chmod a+r /tmp/onemap-peer-points.csv
as_pg psql -q -d onemap_peer <<'SQL' >/dev/null
CREATE TABLE points (id serial PRIMARY KEY, lon double precision, lat double precision, geom geometry(Point, 4326));
\copy points (lon, lat) FROM '/tmp/onemap-peer-points.csv' WITH (FORMAT csv, HEADER true)
UPDATE points SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326);
ANALYZE;
SQL
cat > /tmp/onemap-peer-nearest.sql <<'SQL'
\set i random(1, 10000)
SELECT s.id, s.name, ST_Distance(s.geom::geography, p.geom::geography) AS distance_m, ST_AsGeoJSON(s.geom) AS geometry
FROM points p, LATERAL (SELECT * FROM shelters ORDER BY shelters.geom <-> p.geom LIMIT 5) s WHERE p.id = :i;
SQL
chmod a+r /tmp/onemap-peer-nearest.sql
echo "PostGIS $(as_pg psql -tA -d onemap_peer -c 'SELECT postgis_lib_version()'), 5 nearest of $(as_pg psql -tA -d onemap_peer -c 'SELECT count(*) FROM shelters') shelters:"
rm -rf /tmp/onemap-peer-log && mkdir -p /tmp/onemap-peer-log && chmod a+rwx /tmp/onemap-peer-log
as_pg /usr/lib/postgresql/15/bin/pgbench -n -c 64 -j 2 -T 10 -f /tmp/onemap-peer-nearest.sql --log --log-prefix=/tmp/onemap-peer-log/tx onemap_peer 2>/dev/null \
    | grep -E "tps|latency average|transactions actually"
# Per-transaction latencies (µs, third column of pgbench's log) for p50 and p99.
cat /tmp/onemap-peer-log/tx* | awk '{print $3}' | sort -n | awk '{a[NR] = $1} END {printf "p50 %.2f ms, p99 %.2f ms\n", a[int(NR * 0.5)] / 1000, a[int(NR * 0.99)] / 1000}'

