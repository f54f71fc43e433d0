#!/usr/bin/env bash
# Creates .venv with Python 3.10 (if missing or of another version) and installs the pinned dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/find-python.sh)
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  echo "removing .venv: it was made with another Python version"
  rm -rf .venv
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet -c constraints.txt -r requirements.txt -r requirements-dev.txt
