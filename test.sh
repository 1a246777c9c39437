#!/usr/bin/env bash
# Set up everything the tests need (.venv, Debian's chromium) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
bash scripts/chromium.sh
exec .venv/bin/python -m pytest -q "$@"
