"""Recognising identifiers typed into a search box."""

import re

# ASCII only, on one line: [0-9] rather than \d (which takes any script's digits, e.g. ٣), and \Z rather
# than $ (which lets a final line break through). The model fields validate with the same patterns.
MASSAR = re.compile(r"\A[A-Z][0-9]{9}\Z")
CIN = re.compile(r"\A[A-Z]{1,2}[0-9]{1,6}\Z")


def looks_like_massar(text: str) -> bool:
    return bool(MASSAR.match(text))


def looks_like_cin(text: str) -> bool:
    return bool(CIN.match(text))
