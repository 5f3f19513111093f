"""Debian's programs that some tests need (Chromium, poppler's pdftotext and pdftoppm).

Without one, its tests skip, so that the suite runs anywhere; with FORSA_REQUIRE_TOOLS=1 (as CI sets
it) a missing program fails them instead, so that a green run means they ran.
"""

import os
import shutil

import pytest


def require(program: str, package: str) -> str:
    """The path of ``program`` (a name on PATH or an absolute path); skip, or fail under FORSA_REQUIRE_TOOLS=1."""
    path = shutil.which(program)
    if path:
        return path
    message = f"{program} is not installed (Debian's {package})"
    if os.environ.get("FORSA_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{message}, and FORSA_REQUIRE_TOOLS=1 makes that a failure", pytrace=False)
    pytest.skip(message)
