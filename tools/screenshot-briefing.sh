#!/usr/bin/env bash
# Looks at a commander's briefing the way a commander would: on the demo district, creates
# the README's incident (a hazardous-chemical leak at H-0000283, the kind's zones; or a
# toxic plume with --plume), writes its briefing page, opens it in headless Chromium
# (Debian's chromium, installed when missing) and saves a full-page screenshot.
# Usage: tools/screenshot-briefing.sh [--plume] [OUT.png]   (default: briefing-screenshot.png;
# the page is written beside it as OUT.html)
set -euo pipefail
area=()
if [ "${1:-}" = "--plume" ]; then
    area=(--area plume --wind-from 270 --wind-speed 2 --stability F)
    shift
fi
out="$(realpath -m "${1:-briefing-screenshot.png}")"
page="${out%.png}.html"
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/ensure-chromium.sh
swift build -c release --product onemap
bin="$(swift build -c release --show-bin-path)/onemap"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A fresh copy of the demo: the screenshot's incident is not left in data/kangbashi.gpkg.
"$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out "$work/demo.gpkg" > /dev/null
"$bin" incident create --data "$work/demo.gpkg" --kind hazardous_chemical_leak --hazard H-0000283 --id INC-DEMO "${area[@]}" > /dev/null
"$bin" incident report INC-DEMO --data "$work/demo.gpkg" --type initial --injured 3 --trapped 0 --trend spreading \
    --measures "isolation 500 m, residents warned" > /dev/null
"$bin" incident briefing INC-DEMO --data "$work/demo.gpkg" -o "$page"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,4200 \
    --screenshot="$out" "file://$page" 2>/dev/null
echo "briefing: $page"
echo "screenshot: $out"
