#!/usr/bin/env bash
# The README's test command (and CI's): install what is missing, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# With the browser: the web map is tested in headless Chromium through Selenium.
ONEMAP_BROWSER=1 tools/install-deps.sh
# schemathesis and openapi-spec-validator (PyPI) for the API's tests.
tools/python-tools.sh
swift test "$@"
