#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs Python < 3.11), or explains and fails.
# Looks at $PYTHON, python3.10 on PATH, then pyenv's versions.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=(python3.10)
pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for p in "$pyenv_root"/versions/3.10.*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
  candidates+=("$p")
done
for c in "${candidates[@]}"; do
  if "$c" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
    "$c" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
cat >&2 <<'MSG'
error: Python 3.10 was not found, and Rasa 3.6 needs it (it does not install on Python 3.11+).
Tried: $PYTHON, python3.10 on PATH, and $(pyenv root)/versions/3.10.*.
Install it, for example with `pyenv install 3.10`, or point PYTHON at a 3.10 interpreter:
    make run PYTHON=/path/to/python3.10
MSG
exit 1
