#!/usr/bin/env bash
# Measures the figures of RELIABILITY.md on this machine, against a served copy of the
# Kangbashi demo (release build): hand-made bad requests, 300 pairs of concurrent PATCHes,
# the authorization matrix, a 60 s wrk soak with RSS before and after, 5 kill -9 rounds,
# and a schemathesis pass. Raw results: .build-tools/reliability/results.jsonl.
# Fuzzing is separate: tools/fuzz.sh TARGET 600 for each target.
#   tools/reliability.sh [SCHEMATHESIS_EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
examples=${1:-20}
tools/install-deps.sh
tools/python-tools.sh
command -v wrk >/dev/null || { echo "wrk is needed for the soak (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product onemap >&2
bin="$(swift build -c release --show-bin-path)/onemap"
work=.build-tools/reliability
rm -rf "$work" && mkdir -p "$work"
results="$work/results.jsonl"
"$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out "$work/demo.gpkg" >/dev/null
planner=$("$bin" tokens add --file "$work/tokens.json" --name 规划科 --role planner 2>/dev/null)
port=$(free_port)
# The bad requests send bad tokens on purpose: the per-address lockout would turn the
# later parts' good requests into 429s, so it is raised here (TokenTests prove it).
"$bin" serve --data "$work/demo.gpkg" --tokens "$work/tokens.json" --port "$port" --log-level error --max-auth-failures 1000000 \
    > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_for_health "$port" 60
base="http://127.0.0.1:$port"
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
echo "{\"part\": \"rss\", \"when\": \"start\", \"kib\": $(rss)}" | tee -a "$results"
python3 tools/reliability/attack.py "$base" "$planner" "$bin" "$work/tokens.json" "$server" 2> "$work/attack.log" | tee -a "$results"
for p in /tiles/14/13186/6152.png /tiles/13/6593/3076.png; do curl -s -o /dev/null "$base$p"; done
echo "{\"part\": \"rss\", \"when\": \"before soak\", \"kib\": $(rss)}" | tee -a "$results"
wrk -t2 -c32 -d60s -s tools/reliability/mix.lua "$base" > "$work/wrk.txt"
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt"); rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
errors=$(awk '/Non-2xx/ {print $4}' "$work/wrk.txt"); socket=$(grep -c "Socket errors" "$work/wrk.txt" || true)
echo "{\"part\": \"soak\", \"seconds\": 60, \"requests\": $requests, \"per_second\": $rate, \"non_2xx\": ${errors:-0}, \"socket_error_lines\": $socket, \"rss_after_kib\": $(rss)}" | tee -a "$results"
kill -0 $server && echo "{\"part\": \"alive\", \"after\": \"soak\"}" | tee -a "$results"
tools/api-fuzz.sh "$base" "$examples" "$planner" > "$work/schemathesis.txt" 2>&1 && st=0 || st=$?
kill -0 $server && alive=true || alive=false
echo "{\"part\": \"schemathesis\", \"exit\": $st, \"alive\": $alive, \"summary\": $(sed -n '/Test cases:/{n;p}' "$work/schemathesis.txt" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))')}" | tee -a "$results"
kill $server; wait $server 2>/dev/null || true
trap - EXIT
# kill -9: five rounds of streamed writes, SIGKILL mid-stream, restart, count.
ONEMAP_TOKEN=$planner python3 Tests/Durability/kill9.py "$bin" "$work/demo.gpkg" "$work/tokens.json" 109.78 39.60 5 | tee -a "$results"
