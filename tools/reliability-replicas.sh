#!/usr/bin/env bash
# Replicas over one PostGIS database under trouble: concurrent edits across replicas, the
# database stopped mid-stream, a replica killed with SIGKILL (tools/reliability_replicas.py;
# RELIABILITY.md, issue 19). Release build, a private throwaway PostgreSQL cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
ONEMAP_BROWSER=1 tools/install-deps.sh >/dev/null
swift build -c release --product onemap >&2
bin="$(swift build -c release --show-bin-path)/onemap"
work="$(mktemp -d)"
chmod 755 "$work"  # the cluster runs as postgres when this runs as root
trap 'rm -rf "$work"' EXIT
python3 tools/reliability_replicas.py "$bin" "$work"
