#!/usr/bin/env bash
# Set up the project: a .venv at the repository root with requirements.txt installed and
# the project itself installed as a package (`pip install -e .`), so that processes that
# do not start in this folder (a `dask scheduler`, `dask worker`) can import `analysis`.
# Re-running is cheap: pip runs again only when requirements.txt or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  .venv/bin/python -m pip install --quiet -e .
  echo "$want" > "$stamp"
fi
