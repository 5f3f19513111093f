"""Arabic: Moroccan dates (Django's ``ar`` has no date-time format, so date-times fell back to the US
"12/04/2026 5:39 م"), and numbers grouped by thousands like the French pages (Django's ``ar`` does not group:
500000)."""

from forsa.core.formats.moroccan import *  # noqa: F403

DATETIME_FORMAT = "j F Y، H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
