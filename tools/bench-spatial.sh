#!/usr/bin/env bash
# The spatial-core benchmarks and their peers, in one run on the same data and points:
#   1. the city-sized Chifeng data (1,000,000 hazards, 20,000 shelters), generated if missing;
#   2. OneMap's benchmarks (Benchmarks/, ordo-one/benchmark), which also write the 10,000
#      query points to data/generated/query-points.csv;
#   3. the Shapely / SciPy / NumPy peers (tools/bench_spatial_peer.py) in a virtualenv.
# Figures go to BENCHMARKS.md by hand; this prints them.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
swift build -c release --product onemap
data=data/generated/chifeng.gpkg
if [ ! -f "$data" ]; then
    mkdir -p data/generated
    .build/release/onemap demo --boundary data/chifeng_150400.gcj02.geojson --scale 20 \
        --hazards 1000000 --shelters 20000 --out "$data"
fi
(cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --target SpatialCore \
    --format markdown --no-progress "$@")
venv=.build-peer-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'shapely>=2,<3' scipy numpy
fi
"$venv/bin/python" tools/bench_spatial_peer.py "$data" data/generated/query-points.csv
