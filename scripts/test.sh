#!/usr/bin/env bash
# Install the workbook with its test tools, then run lint and the whole test suite.
# Usage: bash scripts/test.sh [pytest args...]
# Works on a fresh machine with Python 3.11 and pip; the browser test needs
# Debian's chromium and the backend tests Debian's postgresql, installed here
# with apt-get when missing (root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[dev]"

# The browser test drives Debian's chromium; the CJK and Thai system fonts let
# its screenshots show names in HTML tables as a reader's machine would.
# postgresql: the backend tests start a throwaway server on loopback
# (tests/engines.py); they fail, never skip, without it.
missing=()
for pkg in chromium fonts-noto-cjk fonts-thai-tlwg postgresql; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "scripts/test.sh: installing ${missing[*]} with apt-get for the browser and backend tests" >&2
    sudo_cmd=""
    if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m ruff check src tests benchmarks
python3 -m pytest "$@"
