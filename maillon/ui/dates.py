"""``format_date(value, "j F Y")``: what Django's ``date`` filter writes, for the few format
characters the row-drawing template tags use (j d F N M m n Y H i c l), without building a
``DateFormat`` and translating the month's name at every call (issue 14: the two dates of each
row of the leave movements page were a fifth of its CPU). Any other format character goes through
Django's ``dateformat.format``. Same text as Django's for every date (hypothesis test)."""

from __future__ import annotations

from functools import lru_cache

from django.utils import dateformat
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_AP, WEEKDAYS
from django.utils.translation import get_language

_SUPPORTED = frozenset("jdFNMmnYHicl")


@lru_cache(maxsize=16)
def _month_names(language: str | None) -> dict[str, dict[int, str]]:
    """The month (and weekday) names of the active language (``language`` is the cache key)."""
    return {"F": {k: str(v) for k, v in MONTHS.items()}, "N": {k: str(v) for k, v in MONTHS_AP.items()},
            "M": {k: str(v).title() for k, v in MONTHS_3.items()}, "l": {k: str(v) for k, v in WEEKDAYS.items()}}


@lru_cache(maxsize=64)
def _parts(fmt: str) -> tuple[tuple[bool, str], ...] | None:
    """``fmt`` as (is a format character, text) pieces, or None when it uses a character not handled here."""
    parts, escaped = [], False
    for char in fmt:
        if escaped:
            parts.append((False, char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char.isalpha():
            if char not in _SUPPORTED:
                return None
            parts.append((True, char))
        else:
            parts.append((False, char))
    return tuple(parts)


def format_date(value, fmt: str) -> str:
    parts = _parts(fmt)
    if parts is None:
        return dateformat.format(value, fmt)
    months = _month_names(get_language())
    out = []
    for is_code, char in parts:
        if not is_code:
            out.append(char)
        elif char == "j":
            out.append(str(value.day))
        elif char == "d":
            out.append(f"{value.day:02d}")
        elif char in "FNM":
            out.append(months[char][value.month])
        elif char == "m":
            out.append(f"{value.month:02d}")
        elif char == "n":
            out.append(str(value.month))
        elif char == "l":
            out.append(months["l"][value.weekday()])
        elif char == "Y":
            out.append(f"{value.year:04d}")
        elif char == "H":
            out.append(f"{value.hour:02d}")
        elif char == "i":
            out.append(f"{value.minute:02d}")
        else:  # "c"
            out.append(value.isoformat())
    return "".join(out)
