#!/usr/bin/env bash
# Fuzzes one target for some seconds with libFuzzer and the address sanitizer:
#   tools/fuzz.sh TARGET SECONDS     (targets: geojson wkb gpkg csv query tile patch image)
# The seed corpus is Tests/Fuzz/corpus/TARGET (committed, small); what the fuzzer learns
# goes to .build-fuzz/corpus/TARGET; crashes to Tests/Fuzz/crashes/TARGET (commit each
# with a regression test: the suite replays that folder). Prints the run's totals last.
# Linked with lld: gold crashes on the sanitized objects (internal error in dwarf_reader.cc).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: tools/fuzz.sh TARGET SECONDS}
seconds=${2:-60}
case " geojson wkb gpkg csv query tile patch image " in *" $target "*) ;; *) echo "no fuzz target '$target'" >&2; exit 2;; esac
tools/install-deps.sh
build=.build-fuzz
swift build --package-path Tests/Fuzz --scratch-path "$build" -c debug --product onemap-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld 2>&1 | grep -v "Cannot export local symbol" | tail -3
bin="$build/debug/onemap-fuzz"
mkdir -p "$build/corpus/$target" "Tests/Fuzz/crashes/$target"
log="$build/fuzz-$target.log"
set +e
ONEMAP_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$bin" "$build/corpus/$target" "Tests/Fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="Tests/Fuzz/crashes/$target/" > "$log" 2>&1
status=$?
set -e
grep -E "^stat::number_of_executed_units|^stat::new_units_added|^stat::peak_rss_mb|^#[0-9]+ +DONE" "$log" || true
crashes=$(find "Tests/Fuzz/crashes/$target" -type f -newer "$bin" | wc -l)
echo "target=$target seconds=$seconds exit=$status crashes=$crashes log=$log"
exit $status
