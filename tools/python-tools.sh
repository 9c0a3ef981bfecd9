#!/usr/bin/env bash
# Makes the Python tools the tests drive OneMap with, from PyPI, in a virtual environment
# (.build-tools/venv, ignored by git): schemathesis (API fuzzing against /api) and
# openapi-spec-validator. Pinned, so every run fuzzes with the same generator. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build-tools/venv
want="schemathesis==4.32.5 openapi-spec-validator==0.9.0"
if [ -x "$venv/bin/schemathesis" ] && [ "$(cat "$venv/.onemap-pins" 2>/dev/null)" = "$want" ]; then exit 0; fi
echo "making $venv: $want" >&2
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check $want
echo "$want" > "$venv/.onemap-pins"
