#!/usr/bin/env bash
# Set up, analyse the corpus (the bundled seeds by default) and open the dashboard
# at http://127.0.0.1:8501.   Usage: bash run.sh [PATH...]   (files or folders)
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
bash scripts/chromium.sh || echo "note: chromium not installed: PNG/SVG export will be unavailable" >&2
if [ "$#" -gt 0 ]; then export NEWS_CORPUS="$(printf '%s\n' "$@")"; fi
# a new large corpus is built in the background: the dashboard shows its articles at once and
# each analysis as it lands; a small or known one is built (or updated) now
.venv/bin/python -m analysis build ${NEWS_CORPUS:-seeds} --background
exec .venv/bin/python -m streamlit run dashboard.py --server.address "${NEWS_ADDRESS:-127.0.0.1}" \
  --server.port "${NEWS_PORT:-8501}" --server.headless true --browser.gatherUsageStats false
