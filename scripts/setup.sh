# Sourced by demo.sh and test.sh: a virtual environment in .venv with Forsa installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Forsa needs Python 3.11 or newer"'
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the dependencies changed.
STAMP=.venv/.forsa-installed
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  touch "$STAMP"
fi
export FORSA_DEBUG="${FORSA_DEBUG:-1}"
