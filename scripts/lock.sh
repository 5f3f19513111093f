#!/usr/bin/env bash
# Regenerate requirements.lock, the exact versions (with their hashes) that setup.sh and CI install:
# Forsa's dependencies with the dev, pg and demo extras, and the build backend that installs Forsa itself.
# Run it after changing the dependencies in pyproject.toml and commit both files; versions already
# locked are kept when they still fit (`bash scripts/lock.sh --upgrade` takes the newest that fit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
UV=.venv/bin/uv
if [ ! -x "$UV" ]; then
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet 'uv>=0.5,<1'
fi
# The build backend (pyproject's [build-system] requires) is locked too: setup.sh installs Forsa
# without build isolation, so nothing unhashed is downloaded.
build=$(mktemp)
trap 'rm -f "$build"' EXIT
.venv/bin/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' >"$build"
# Universal: one lock for every platform and Python >= 3.11 (environment markers where they differ).
"$UV" pip compile pyproject.toml "$build" --extra dev --extra pg --extra demo --universal --python-version 3.11 \
  --generate-hashes --custom-compile-command "bash scripts/lock.sh" \
  --quiet -o requirements.lock "$@"
echo "requirements.lock: $(grep -c '^[A-Za-z0-9]' requirements.lock) packages"
