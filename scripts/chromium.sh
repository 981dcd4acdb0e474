#!/usr/bin/env bash
# Install Debian's Chromium when it is absent (idempotent), then print its path.
# The report's browser test (tests/shell/cli/test_report_browser.py) calls this; so can you:
#   scripts/chromium.sh            # installs if needed, prints /usr/bin/chromium
# Only Debian's package is used: no browser build is downloaded from anywhere else.
set -euo pipefail

find_chromium() {
    command -v chromium || command -v chromium-browser || true
}

found="$(find_chromium)"
if [ -z "$found" ]; then
    if ! command -v apt-get >/dev/null; then
        echo "chromium.sh: no chromium and no apt-get to install it" >&2
        exit 1
    fi
    if [ "$(id -u)" -ne 0 ]; then
        SUDO=sudo
    else
        SUDO=
    fi
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine has no package lists yet: update once, then install.
    if ! apt-cache show chromium >/dev/null 2>&1; then
        $SUDO apt-get update -qq >&2
    fi
    $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
    found="$(find_chromium)"
fi
if [ -z "$found" ]; then
    echo "chromium.sh: chromium is still not installed" >&2
    exit 1
fi
echo "$found"
