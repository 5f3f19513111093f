"""What an install needs: PostgreSQL's driver is an extra, a SQLite install runs without it; Debian's
programs for some tests are required only where FORSA_REQUIRE_TOOLS=1."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Django set up, checked (models, URLs, templates, database) and queried in a Python where importing
# psycopg fails, as it would where the pg extra is not installed.
WITHOUT_PSYCOPG = """
import sys

class NoPsycopg:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "psycopg2", "psycopg_binary"):
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, NoPsycopg())
try:
    import psycopg  # noqa: F401
except ModuleNotFoundError:
    pass
else:
    raise AssertionError("psycopg was not hidden")

import django
from django.core.management import call_command
from django.db import connection

django.setup()
call_command("check", "--database", "default", fail_level="ERROR", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
assert not any(name.startswith("psycopg") for name in sys.modules), sorted(sys.modules)
print("ok")
"""


def test_sqlite_install_runs_without_psycopg(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORSA_") and key != "DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "forsa.settings",
        "FORSA_DEBUG": "1",
        "FORSA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'forsa.sqlite3'}",
    }
    result = subprocess.run([sys.executable, "-c", WITHOUT_PSYCOPG], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "ok"


def test_postgresql_is_the_pg_extra():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert not [r for r in project["dependencies"] if r.startswith("psycopg")]
    assert [r for r in project["optional-dependencies"]["pg"] if r.startswith("psycopg")]


def test_a_missing_test_program_skips_or_fails_when_required(monkeypatch):
    from tests.tools import require

    monkeypatch.delenv("FORSA_REQUIRE_TOOLS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="poppler-utils"):
        require("forsa-no-such-program", "poppler-utils")
    monkeypatch.setenv("FORSA_REQUIRE_TOOLS", "1")
    with pytest.raises(pytest.fail.Exception, match="FORSA_REQUIRE_TOOLS=1"):
        require("forsa-no-such-program", "poppler-utils")
    assert require(sys.executable, "python3") == sys.executable
