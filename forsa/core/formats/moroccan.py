"""Dates as read in Morocco whatever the language: day before month, 24-hour time, Monday first (the ``ar``
and ``en`` formats start from these; Django's ``fr`` has them already)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]  # ISO first: what a date input sends
