#!/usr/bin/env bash
# Re-pins constraints.txt: installs requirements*.txt into a throw-away venv and freezes it.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$(scripts/find-python.sh)" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet -r requirements.txt -r requirements-dev.txt
{
  echo "# Exact versions of every package, so a fresh clone installs what CI tested."
  echo "# Regenerate with: make lock"
  "$tmp/venv/bin/pip" freeze --exclude-editable
} > constraints.txt
echo "constraints.txt updated"
