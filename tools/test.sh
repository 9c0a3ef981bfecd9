#!/usr/bin/env bash
# The README's test command (and CI's): install what is missing, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# With the browser: the web map is tested in headless Chromium through Selenium.
ONEMAP_BROWSER=1 tools/install-deps.sh
# schemathesis and openapi-spec-validator (PyPI) for the API's tests.
tools/python-tools.sh
# A private PostgreSQL + PostGIS cluster for the PostGIS store's tests, stopped at the end.
pg_folder=$(mktemp -d -u /tmp/onemap-test-pg.XXXXXX)
trap 'tools/postgres-cluster.sh stop "$pg_folder"' EXIT
ONEMAP_TEST_POSTGRES=$(tools/postgres-cluster.sh start "$pg_folder")
export ONEMAP_TEST_POSTGRES
swift test "$@"
