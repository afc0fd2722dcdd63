"""Find French dates and times in free text (the minutes), relative to a reference date.

``find_dates(text, reference)`` returns the matches in order, each with its position in the
text, the day, and the start (and end) time when one follows the date:

- numeric: « 12/03/2027 », « 12.03.2027 », « 2027-03-12 », « le 12/03 » (a year is required
  unless « le » precedes, so « 2.5 » or a score « 3/4 » is not a date);
- written: « le 12 mars », « mardi 5 novembre », « 1er avril 2027 », « 3 janv. »: without a
  year, the next such day on or after the reference; a weekday that does not fit that year
  picks the next year where it fits (« mardi 5 novembre » is the next 5 November on a Tuesday);
- relative: « aujourd'hui », « demain », « après-demain », « jeudi prochain » (the next
  Thursday after the reference), « ce jeudi » (on or after), « dans 15 jours », « dans trois
  semaines », « dans 2 mois »; a bare weekday counts only with a time (« jeudi à 14h »);
- times after a date: « à 14h », « 14h30 », « 14 h 30 », « 14:30 », « à 9 heures », « à midi »,
  « de 14h à 16h ».

Impossible dates (« 31 février », « 32/01/2027 ») and times (« 25h ») are not matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta

WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}
NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
           "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30}

_WD = "|".join(WEEKDAYS)
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUM = "|".join(sorted(NUMBERS, key=len, reverse=True))
_END = r"(?![\w])"

DATE_RE = re.compile(
    rf"""
    (?<![\w/.\-])(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{2}})-(?P<iso_d>\d{{2}})(?![\w/\-])
  | (?<![\w/.,\-])(?P<n_d>\d{{1,2}})(?P<sep>[/.])(?P<n_m>\d{{1,2}})(?P=sep)(?P<n_y>\d{{4}}|\d{{2}})(?![\w/]|[.,]\d)
  | (?<=le\ )(?P<s_d>\d{{1,2}})/(?P<s_m>\d{{1,2}})(?![\w/]|[.,]\d)
  | (?:\b(?P<t_wd>{_WD})\s+)?(?<![\w,.])(?P<t_d>1er|premier|\d{{1,2}})\s+(?P<t_m>{_MON})\.?(?:\s+(?P<t_y>\d{{4}}))?{_END}
  | \b(?P<rel>aujourd['’]hui|apr[èe]s-demain|demain){_END}
  | \b(?P<next_wd>{_WD})\s+prochain{_END}
  | \b(?:ce|cette)\s+(?P<this_wd>{_WD}){_END}
  | \bdans\s+(?P<in_n>\d{{1,3}}|{_NUM})\s+(?P<in_unit>jours?|semaines?|mois){_END}
  | \b(?P<bare_wd>{_WD})(?=\s*,?\s*(?:à|a|vers|dès)\s+(?:\d{{1,2}}\s*h|\d{{1,2}}:\d\d|\d{{1,2}}\s+heures|midi))
    """,
    re.IGNORECASE | re.VERBOSE,
)

_CLOCK = r"(?:(?P<{p}h>[01]?\d|2[0-3])\s*(?:h|heures?)(?:\s*(?P<{p}m>[0-5]\d))?(?!\w)|(?P<{p}ch>[01]?\d|2[0-3]):(?P<{p}cm>[0-5]\d)(?!\d)|(?P<{p}noon>midi)\b)"
TIME_RE = re.compile(r"\s*,?\s*(?:(?:à|a|vers|dès|des|de)\s+)?" + _CLOCK.format(p="a"), re.IGNORECASE)
UNTIL_RE = re.compile(r"\s*(?:à|a|-|–)\s*" + _CLOCK.format(p="b"), re.IGNORECASE)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    text: str
    day: date
    time: time | None = None
    end_time: time | None = None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_weekday(reference: date, weekday: int, *, strictly_after: bool) -> date:
    delta = (weekday - reference.weekday()) % 7
    if delta == 0 and strictly_after:
        delta = 7
    return reference + timedelta(days=delta)


def _number(value: str) -> int:
    return int(value) if value.isdigit() else NUMBERS[value.lower()]


def _year(value: str) -> int:
    year = int(value)
    return year + 2000 if year < 100 else year


def _without_year(reference: date, month: int, day: int, weekday: int | None) -> date | None:
    """The next (day, month) on or after the reference; with a weekday, the first such year
    where it falls on that weekday (this year or the next), else the first one."""
    year = reference.year
    found = _safe_date(year, month, day)
    if found is None or found < reference:
        found = _safe_date(year + 1, month, day)
        year += 1
    if found is None:  # 29 February
        for y in range(year, year + 8):
            found = _safe_date(y, month, day)
            if found:
                break
    if found is None:
        return None
    if weekday is not None and found.weekday() != weekday:
        for y in (found.year + 1,):
            candidate = _safe_date(y, month, day)
            if candidate and candidate.weekday() == weekday:
                return candidate
    return found


def _day(m: re.Match, reference: date) -> date | None:
    g = m.groupdict()
    if g["iso_y"]:
        return _safe_date(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))
    if g["n_d"]:
        return _safe_date(_year(g["n_y"]), int(g["n_m"]), int(g["n_d"]))
    if g["s_d"]:
        month, day = int(g["s_m"]), int(g["s_d"])
        return _without_year(reference, month, day, None) if _safe_date(2000, month, day) else None
    if g["t_d"]:
        day = 1 if g["t_d"].lower() in ("1er", "premier") else int(g["t_d"])
        month = MONTHS[g["t_m"].lower()]
        if g["t_y"]:
            return _safe_date(int(g["t_y"]), month, day)
        if not _safe_date(2000, month, day):
            return None
        weekday = WEEKDAYS[g["t_wd"].lower()] if g["t_wd"] else None
        return _without_year(reference, month, day, weekday)
    if g["rel"]:
        word = g["rel"].lower()
        return reference + timedelta(days=0 if word.startswith("aujourd") else 2 if word.startswith("apr") else 1)
    if g["next_wd"]:
        return _next_weekday(reference, WEEKDAYS[g["next_wd"].lower()], strictly_after=True)
    if g["this_wd"]:
        return _next_weekday(reference, WEEKDAYS[g["this_wd"].lower()], strictly_after=False)
    if g["in_n"]:
        n, unit = _number(g["in_n"]), g["in_unit"].lower()
        if unit.startswith("jour"):
            return reference + timedelta(days=n)
        if unit.startswith("semaine"):
            return reference + timedelta(weeks=n)
        return reference + relativedelta(months=n)
    if g["bare_wd"]:
        return _next_weekday(reference, WEEKDAYS[g["bare_wd"].lower()], strictly_after=False)
    return None


def _clock(m: re.Match, p: str) -> time | None:
    g = m.groupdict()
    if g[f"{p}noon"]:
        return time(12, 0)
    if g[f"{p}h"] is not None:
        return time(int(g[f"{p}h"]), int(g[f"{p}m"] or 0))
    if g[f"{p}ch"] is not None:
        return time(int(g[f"{p}ch"]), int(g[f"{p}cm"]))
    return None


def find_dates(text: str, reference: date) -> list[DateMatch]:
    """Every French date (with its time, if any) in ``text``, relative to ``reference``."""
    found = []
    for m in DATE_RE.finditer(text):
        day = _day(m, reference)
        if day is None:
            continue
        end, start_time, end_time = m.end(), None, None
        t = TIME_RE.match(text, end)
        if t:
            start_time, end = _clock(t, "a"), t.end()
            u = UNTIL_RE.match(text, end)
            if u and _clock(u, "b") > start_time:
                end_time, end = _clock(u, "b"), u.end()
        found.append(DateMatch(m.start(), end, text[m.start():end], day, start_time, end_time))
    return found

