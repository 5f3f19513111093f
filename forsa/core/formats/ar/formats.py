"""Arabic formats as read in Morocco: day before month, 24-hour time, Monday first, and numbers grouped by
thousands like the French pages (Django's ``ar`` has no date-time format, so date-times fell back to the
US "12/04/2026 5:39 م", and no grouping, so 500000 was not grouped)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]  # ISO first: what a date input sends
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
