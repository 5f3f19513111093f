"""Recognising identifiers typed into a search box."""

import re

MASSAR = re.compile(r"^[A-Z]\d{9}$")
CIN = re.compile(r"^[A-Z]{1,2}\d{1,6}$")


def looks_like_massar(text: str) -> bool:
    return bool(MASSAR.match(text))


def looks_like_cin(text: str) -> bool:
    return bool(CIN.match(text))
