#!/usr/bin/env bash
# Run the test suite (SQLite by default; PostgreSQL with DATABASE_URL=postgres://...).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec .venv/bin/python -m pytest "$@"
