"""English: Moroccan dates, like the French and Arabic pages (Django's ``en`` is American: "12/04/2026 5:39
p.m." for 4 December); numbers keep English grouping (500,000)."""

from forsa.core.formats.moroccan import *  # noqa: F403

DATETIME_FORMAT = "j F Y, H:i"
