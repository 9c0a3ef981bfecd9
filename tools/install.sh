#!/usr/bin/env bash
# Installs OneMap for a deployment: the system libraries it links (Debian packages, only
# those missing), then a release build of the `onemap` binary with the Swift standard
# library linked in statically, copied to $PREFIX/bin (default /usr/local/bin). The
# binary carries its default configuration (style, risk rules, planning standards, OSM
# profile) and web assets: it runs from any folder. See docs/DEPLOY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"
tools/install-deps.sh
swift build -c release --product onemap --static-swift-stdlib
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/onemap"
sudo=""
[ "$(id -u)" -ne 0 ] && [ ! -w "$prefix/bin" ] && sudo="sudo"
$sudo install -d "$prefix/bin"
$sudo install -m 0755 "$bin" "$prefix/bin/onemap"
echo "installed $prefix/bin/onemap"
"$prefix/bin/onemap" config where
echo "configuration: onemap config where; to edit the defaults: onemap config dump --out /etc/onemap"
