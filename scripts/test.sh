#!/usr/bin/env bash
# Install the workbook with its test tools, then run lint and the whole test suite.
# Usage: bash scripts/test.sh [pytest args...]
# Works on a fresh machine with Python 3.11 and pip; the browser test needs
# Debian's chromium, installed here with apt-get when missing (root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[dev]"

if ! command -v chromium >/dev/null 2>&1; then
    echo "scripts/test.sh: installing Debian's chromium for the browser test" >&2
    sudo_cmd=""
    if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

python3 -m ruff check src tests benchmarks
python3 -m pytest "$@"
