"""Without FORSA_DEBUG, pages name static files through collectstatic's manifest: without it, refuse to start."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as forsa_settings

from forsa.core.checks import static_manifest_exists

SECRET = "x" * 20 + "-a-long-random-production-secret-key-0123456789"
MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {"staticfiles": MANIFEST_STORAGE}
    return tmp_path


def test_no_manifest_is_error_e010(production_static):
    errors = static_manifest_exists(None)
    assert [error.id for error in errors] == ["forsa.E010"]
    assert "collectstatic" in errors[0].msg and str(production_static / "staticfiles.json") in errors[0].msg


def test_an_unreadable_manifest_is_error_e010(production_static):
    (production_static / "staticfiles.json").write_text("{not json")
    errors = static_manifest_exists(None)
    assert [error.id for error in errors] == ["forsa.E010"] and "cannot be read" in errors[0].msg


def test_a_manifest_passes(production_static):
    (production_static / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1", "hash": "0"}))
    assert static_manifest_exists(None) == []


def test_debug_needs_no_manifest(settings, tmp_path):
    settings.DEBUG, settings.STATIC_ROOT = True, tmp_path
    assert static_manifest_exists(None) == []


def run(args, static_root, var_dir):
    env = os.environ | {"FORSA_DEBUG": "0", "FORSA_SECRET_KEY": SECRET, "FORSA_ALLOWED_HOSTS": "forsa.example.ma",
                        "FORSA_STATIC_ROOT": str(static_root), "FORSA_VAR_DIR": str(var_dir)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          cwd=forsa_settings.BASE_DIR, timeout=300)


SERVE_A_PAGE = (
    "import forsa.wsgi\n"
    "from django.test import Client\n"
    "response = Client().get('/accounts/login/', secure=True, headers={'host': 'forsa.example.ma'})\n"
    "assert response.status_code == 200, response.status_code\n"
    "assert '/static/' in response.content.decode()\n"
    "print('served')\n"
)


def test_production_refuses_to_start_without_collected_static_then_serves_once_collected(tmp_path):
    static_root, var_dir = tmp_path / "static", tmp_path / "var"
    static_root.mkdir()
    refused = run(["-c", "import forsa.wsgi"], static_root, var_dir)
    assert refused.returncode != 0
    assert "static files manifest is missing" in refused.stderr and "collectstatic" in refused.stderr
    check = run(["manage.py", "check", "--deploy"], static_root, var_dir)
    assert check.returncode != 0 and "forsa.E010" in check.stdout + check.stderr

    collected = run(["manage.py", "collectstatic", "--noinput", "-v", "0"], static_root, var_dir)
    assert collected.returncode == 0, collected.stderr
    assert (static_root / "staticfiles.json").exists()
    served = run(["-c", SERVE_A_PAGE], static_root, var_dir)
    assert served.returncode == 0 and "served" in served.stdout, served.stderr
    check = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], static_root, var_dir)
    assert check.returncode == 0, check.stdout + check.stderr
