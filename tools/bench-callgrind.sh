#!/usr/bin/env bash
# Instructions per request of one route (callgrind: repeatable on a noisy machine):
#   tools/bench-callgrind.sh BINARY DATA.gpkg PATH [REQUESTS]
# Serves DATA with BINARY under valgrind, warms the route up, then counts instructions only
# while REQUESTS requests run over one keep-alive connection. Strip the binary's debug
# info first (valgrind 3.19 cannot read Swift 6.3's DWARF 5): strip --strip-debug -o B.stripped B
# CALLGRIND_OUT=FILE keeps the profile; SETTLE=S waits S seconds after start (default 20).
source "$(dirname "$0")/serve-lib.sh"
set -euo pipefail
bin=$1 data=$2 path=$3 n=${4:-2000}
work=$(mktemp -d)
port=$(free_port)
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/out.%p" \
    "$bin" serve --data "$data" --port "$port" --log-level error --cache-directory "$work" > "$work/log" 2>&1 &
vg=$!
trap 'kill $vg 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for_health "$port" 600
# Let the background road hierarchy finish: its instructions would count too.
sleep "${SETTLE:-20}"
python3 - "$port" "$path" 200 <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for _ in range(int(sys.argv[3])):
    c.request("GET", sys.argv[2]); r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
callgrind_control -i on "$vg" >/dev/null
python3 - "$port" "$path" "$n" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for _ in range(int(sys.argv[3])):
    c.request("GET", sys.argv[2]); r = c.getresponse(); r.read()
PY
callgrind_control -i off "$vg" >/dev/null
callgrind_control -d "$vg" >/dev/null
sleep 1
total=$(cat "$work"/out.* | awk '/^totals:/ {s += $2} END {print s}')
echo "$path: $((total / n)) instructions a request ($n requests, $total in all)"
# CALLGRIND_OUT=FILE keeps the profile (callgrind_annotate --inclusive=yes FILE).
[ -n "${CALLGRIND_OUT:-}" ] && cat "$work"/out.* > "$CALLGRIND_OUT" || true
