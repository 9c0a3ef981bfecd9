#!/usr/bin/env bash
# API fuzzing with schemathesis (PyPI, in .build-tools/venv) against OneMap's own /api:
#   tools/api-fuzz.sh URL [MAX_EXAMPLES] [TOKEN] [PHASES]   a running server
#   tools/api-fuzz.sh --demo [MAX_EXAMPLES] [PHASES]        a copy of the Kangbashi demo, served here
# Every operation in /api is called with generated parameters and bodies (with TOKEN as a
# planner's bearer token, so writes get past authentication); each answer is checked: no
# 5xx, a documented status, content type and headers, a body that fits its schema.
# Exit 0 when every check held. The test suite runs a small pass (ApiFuzzTests).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/serve-lib.sh
tools/python-tools.sh
st=.build-tools/venv/bin/schemathesis
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
run() {  # URL EXAMPLES TOKEN PHASES
    local auth=()
    [ -n "$3" ] && auth=(-H "Authorization: Bearer $3")
    # One worker and a long timeout: CPU-heavy plans are limited to the core count at once
    # (more answer 503 by design), and a request abandoned at a client timeout runs on.
    # /events is a Server-Sent Events stream that stays open by design (its own tests drive
    # it with a real SSE client): a request/response fuzzer would only wait on it.
    "$st" run "$1/api" --max-examples "$2" --phases "$4" --checks "$checks" --workers 1 --seed 1 \
        --request-timeout 300 --exclude-path /events "${auth[@]}" --no-color
}
if [ "${1:-}" = "--demo" ]; then
    examples=${2:-20}; phases=${3:-examples,coverage,fuzzing,stateful}
    tools/install-deps.sh
    swift build -c release --product onemap >&2
    bin="$(swift build -c release --show-bin-path)/onemap"
    work=.build-tools/api-fuzz
    rm -rf "$work" && mkdir -p "$work"
    "$bin" demo --boundary data/kangbashi_150603.gcj02.geojson --crs gcj02 --out "$work/demo.gpkg" >/dev/null
    token=$("$bin" tokens add --file "$work/tokens.json" --name api-fuzz --role planner 2>/dev/null)
    port=$(free_port)
    "$bin" serve --data "$work/demo.gpkg" --tokens "$work/tokens.json" --port "$port" --log-level error > "$work/serve.log" 2>&1 &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    wait_for_health "$port" 60
    set +e
    run "http://127.0.0.1:$port" "$examples" "$token" "$phases"
    status=$?
    set -e
    kill -0 $server 2>/dev/null || { echo "the server died during the run" >&2; status=1; }
    [ -s "$work/serve.log" ] && { echo "server log:" >&2; tail -20 "$work/serve.log" >&2; }
    exit $status
fi
url=${1:?usage: tools/api-fuzz.sh URL [MAX_EXAMPLES] [TOKEN] [PHASES] | --demo [MAX_EXAMPLES] [PHASES]}
run "$url" "${2:-20}" "${3:-}" "${4:-examples,coverage,fuzzing,stateful}"
