#!/usr/bin/env bash
# The README's test command (and CI's): install what is missing, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
swift test "$@"
