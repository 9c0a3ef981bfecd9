#!/usr/bin/env bash
# The planning benchmarks (Benchmarks/, target Planning) on the demo district and the
# generated city, then the peer: the same shelter-siting problems as integer programs for
# CBC (PuLP, in a virtualenv), timed in the same run. Figures go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
mkdir -p data/generated
[ -f data/generated/kangbashi-bench.gpkg ] || "$bin" demo --out data/generated/kangbashi-bench.gpkg
[ -f data/generated/chifeng.gpkg ] || "$bin" demo --boundary data/chifeng_150400.gcj02.geojson --scale 20 \
    --hazards 1000000 --shelters 20000 --out data/generated/chifeng.gpkg
(cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --target Planning --format markdown --no-progress "$@")
venv=.build-peer-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import pulp' 2>/dev/null || "$venv/bin/pip" install --quiet 'pulp>=2.8'
"$venv/bin/python" tools/bench_planning_peer.py data/generated/mclp-demo.json data/generated/mclp-city.json
