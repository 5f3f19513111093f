"""Fail when the installed packages do not satisfy pyproject.toml (with the dev, pg and demo extras).

setup.sh installs requirements.lock with ``--no-deps`` for Forsa itself, so a dependency added to
pyproject.toml without re-running scripts/lock.sh would otherwise go missing silently. ``pip check``
does not look at extras; this does.
"""

import sys
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement

EXTRAS = ("", "dev", "pg", "demo")

problems = []
for line in requires("forsa") or ():
    requirement = Requirement(line)
    if requirement.marker and not any(requirement.marker.evaluate({"extra": extra}) for extra in EXTRAS):
        continue
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        problems.append(f"{requirement.name} is not installed")
        continue
    if not requirement.specifier.contains(installed, prereleases=True):
        problems.append(f"{requirement.name} {installed} does not satisfy {requirement.specifier}")
if problems:
    sys.exit("requirements.lock does not match pyproject.toml (run bash scripts/lock.sh): " + "; ".join(problems))
