#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine: the system tools the browser and theme
# checks use (Debian's Chromium, Java for the Nu HTML Checker, Node for axe and Lighthouse),
# the pinned npm tools, and a venv with digest and its test extras. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

npm ci --prefix tests/node --ignore-scripts --no-audit --no-fund --loglevel=error

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e '.[test]'
