#!/usr/bin/env bash
# The routing benchmarks (Benchmarks/, target Routing): routes between random node pairs on
# the demo district's roads and on a generated network of about 1,000,000 road pieces, a
# 10-minute service area, and the demo's evacuation plan for a 6 km danger zone.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
swift build -c release --product onemap
mkdir -p data/generated
[ -f data/generated/kangbashi-bench.gpkg ] || "$(swift build -c release --show-bin-path)/onemap" demo --out data/generated/kangbashi-bench.gpkg
(cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --target Routing --format markdown --no-progress "$@")
