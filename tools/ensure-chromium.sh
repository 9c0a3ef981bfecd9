#!/usr/bin/env bash
# Installs Debian's chromium when missing (the screenshot tools look through it).
set -euo pipefail
if ! command -v chromium >/dev/null; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
