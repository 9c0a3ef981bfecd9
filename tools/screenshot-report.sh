#!/usr/bin/env bash
# Looks at a planner's report the way a planner would: runs `onemap plan shelters --add 3`
# on the demo district with its HTML report, opens the page in headless Chromium (Debian's
# chromium, installed when missing) and saves a full-page screenshot.
# Usage: tools/screenshot-report.sh [OUT.png]   (default: report-screenshot.png; the page is
# written beside it as OUT.html)
set -euo pipefail
out="$(realpath -m "${1:-report-screenshot.png}")"
page="${out%.png}.html"
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/ensure-chromium.sh
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
[ -f data/kangbashi.gpkg ] || "$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out data/kangbashi.gpkg
"$bin" plan shelters --data data/kangbashi.gpkg --add 3 --report "$page" --quiet > /dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2600 \
    --screenshot="$out" "file://$page" 2>/dev/null
echo "report: $page"
echo "screenshot: $out"
