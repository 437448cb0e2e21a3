#!/usr/bin/env bash
# Installs what the browser tests need, if it is missing: Debian's Chromium, and Playwright,
# pytest and openpyxl (which opens the XLSX downloads) from PyPI. Playwright drives
# /usr/bin/chromium; it never downloads a browser.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "tests/browser/setup.sh: chromium is missing; install it with: sudo apt-get install chromium" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if ! python3 -c 'import playwright, pytest, openpyxl' >/dev/null 2>&1; then
    python3 -m pip install --quiet -r "$(dirname "$0")/requirements.txt"
fi
