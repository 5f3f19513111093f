#!/usr/bin/env bash
# Set everything up and start the demo: SQLite in var/, seeded national network.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py seed_demo "$@"
echo "Forsa demo: http://127.0.0.1:${FORSA_PORT:-8000}/"
exec .venv/bin/python manage.py runserver "127.0.0.1:${FORSA_PORT:-8000}"
