"""Loaded by pytest before Django: tests run with the development settings."""

import os

os.environ.setdefault("FORSA_DEBUG", "1")
