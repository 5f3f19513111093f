# Sourced by demo.sh and test.sh: a virtual environment in .venv with Forsa installed from the lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Forsa needs Python 3.11 or newer"'
  "$PYTHON" -m venv .venv
fi
# (Re)install when requirements.lock or pyproject.toml changed since the last install: exactly the
# locked versions, each checked against its hash, then Forsa itself (editable, with the locked
# setuptools, so nothing unlocked is fetched). scripts/lock.sh regenerates the lock.
STAMP=.venv/.forsa-installed
checksum=$(cat requirements.lock pyproject.toml | .venv/bin/python -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
if [ "$(cat "$STAMP" 2>/dev/null)" != "$checksum" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  .venv/bin/python scripts/check_lock.py
  echo "$checksum" >"$STAMP"
fi
export FORSA_DEBUG="${FORSA_DEBUG:-1}"
