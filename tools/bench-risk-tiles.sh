#!/usr/bin/env bash
# The one-map benchmarks and their peers, in one run on the same data:
#   1. the demo district and the city-sized Chifeng data (1,000,000 hazards), generated if missing;
#   2. OneMap's RiskTiles benchmarks (Benchmarks/, ordo-one/benchmark): full risk build,
#      one hazard's incremental update with tile invalidation, tile rendering at zooms
#      10–16, cached tile reads;
#   3. `onemap risk build` on both files (stores a version), then the Shapely + pyproj
#      peer (tools/bench_risk_peer.py) on the same files, compared cell by cell;
#   4. MapServer 8 (map2img) drawing the city's tiles (tools/bench_tiles_peer.py).
# Figures go to BENCHMARKS.md by hand; this prints them. Extra arguments go to the
# benchmark tool (e.g. --filter ".*demo.*").
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
swift build -c release --product onemap
city=data/generated/chifeng.gpkg
demo=data/generated/kangbashi-bench.gpkg
mkdir -p data/generated
if [ ! -f "$city" ]; then
    .build/release/onemap demo --boundary data/chifeng_150400.gcj02.geojson --scale 20 \
        --hazards 1000000 --shelters 20000 --out "$city"
fi
[ -f "$demo" ] || .build/release/onemap demo --out "$demo"
(cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --target RiskTiles \
    --format markdown --no-progress "$@")
venv=.build-peer-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet 'shapely>=2,<3' scipy numpy pyproj
for data in "$demo" "$city"; do
    echo "== $data"
    .build/release/onemap risk build --data "$data" --rules config/risk-rules.json --note "benchmark run"
    "$venv/bin/python" tools/bench_risk_peer.py "$data"
done
# The tile peer: MapServer 8 drawing the same one map from the same file (latest version).
if ! command -v map2img >/dev/null; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends mapserver-bin >/dev/null
fi
python3 tools/bench_tiles_peer.py "$city" 100
