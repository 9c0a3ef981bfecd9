#!/usr/bin/env bash
# Installs the Debian packages OneMap builds and tests against, only those missing.
# Used by both README commands; safe to run again.
set -euo pipefail

packages=(libgeos-dev libproj-dev proj-data proj-bin libsqlite3-dev libcairo2-dev zlib1g-dev libgdal-dev pkg-config gdal-bin sqlite3 fonts-noto-cjk libjs-leaflet)
# The test command also needs a real browser and its driver (the web map's tests) and
# headless QGIS (python3-qgis: the GeoPackage's styles are checked as QGIS draws them)
# and Python's venv for the PyPI tools (schemathesis, openapi-spec-validator), and GDAL's
# Python bindings (the photos' relationship as GDAL reports it), and PostgreSQL 15 with
# PostGIS 3 (the PostGIS store's tests run on a private throwaway cluster).
[ "${ONEMAP_BROWSER:-0}" = 1 ] && packages+=(chromium chromium-driver python3-selenium python3-venv python3-pip python3-qgis python3-gdal postgresql-15 postgresql-15-postgis-3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # Both README commands may run at once on a fresh machine: wait for the other's apt
  # (up to 15 minutes) instead of failing on dpkg's lock.
  lock=(-o DPkg::Lock::Timeout=900)
  $sudo apt-get "${lock[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6 toolchain (swift.org) first" >&2; exit 1; }
