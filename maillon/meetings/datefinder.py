"""Find French dates and times in free text (the minutes), relative to a reference date.

``find_dates(text, reference)`` returns the matches in order, each with its position in the
text, the day, and the start (and end) time when one follows the date:

- numeric: « 12/03/2027 », « 12.03.2027 », « 2027-03-12 », « le 12/03 » (without a year, « le »,
  a weekday or a time must come with it, so « 2.5 » or a score « 3/4 » is not a date);
- written: « le 12 mars », « mardi 5 novembre », « 1er avril 2027 », « 3 janv. »: without a
  year, the next such day on or after the reference (the nearest one: a weekday that does not
  fit keeps it and the match says so, ``weekday_mismatch``);
- a day of the month alone: « mardi 14 », « le lundi 7 », « jeudi 3 à 14h30 », or « le 15 »
  followed by a time (« le 15 à 10h »): the next such day on or after the reference; « mar.
  14/12 »; days listed before a month take it (« lundi 14 et mardi 15 décembre »);
- a weekday that fits a day of the past week and not the next one (« mardi 15 » written on
  Wednesday 16) is a day gone by: not a date to plan, not matched;
- ranges and weeks (« du 15 au 19 mars », « la semaine du 8 mars ») are not matched: no single
  day to link, and linking one end would link the wrong one;
- relative: « aujourd'hui », « demain », « après-demain », « jeudi prochain » (the next
  Thursday after the reference), « ce jeudi » (on or after), « dans 15 jours », « dans trois
  semaines », « dans 2 mois »; a bare weekday counts only with a time (« jeudi à 14h »);
- times after a date: « à 14h », « 14h30 », « 14 h 30 », « 14:30 », « à 9 heures », « à midi »,
  « de 14h à 16h ».

Impossible dates (« 31 février », « 32/01/2027 ») and times (« 25h ») are not matched. A date
more than six months before the reference or more than a year after it is ``far``.
``warnings(match)`` gives the French sentences shown next to a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext

WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}
NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
           "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30}

_WD = "|".join(WEEKDAYS)
# A weekday written in full or abbreviated with its dot (« mar. 14/12 »); « mar » alone is not one.
_WDX = _WD + r"|(?:lun|mar|mer|jeu|ven|sam|dim)\."
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUM = "|".join(sorted(NUMBERS, key=len, reverse=True))
_END = r"(?![\w])"

# What may follow a weekday and a day number for it to be a date (« mardi 14, », « mardi 14 à
# 10h », « lundi 7 et … »), so « mardi 14 participants » or « mardi 14h » is not one.
_AFTER_DAY = r"(?=\s*(?:$|[,;:!?)\]]|\.(?!\d)|(?:à|a|de|dès|vers|et|ou|puis)\s))"

DATE_RE = re.compile(
    rf"""
    (?<![\w/.\-])(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{2}})-(?P<iso_d>\d{{2}})(?![\w/\-])
  | (?:\b(?P<n_wd>{_WDX})\s+)?(?<![\w/.,\-])(?P<n_d>\d{{1,2}})(?P<sep>[/.])(?P<n_m>\d{{1,2}})(?P=sep)(?P<n_y>\d{{4}}|\d{{2}})(?![\w/]|[.,]\d)
  | (?:\b(?P<s_wd>{_WDX})\s+(?:le\s+)?)?(?<![\w/.,\-])(?P<s_d>\d{{1,2}})/(?P<s_m>\d{{1,2}})(?![\w/]|[.,]\d)
  | (?:\b(?P<t_wd>{_WDX})\s+)?(?<![\w,.])(?P<t_d>1er|premier|\d{{1,2}})\s+(?P<t_m>{_MON})\.?(?:\s+(?P<t_y>\d{{4}}))?{_END}
  | \b(?P<d_wd>{_WDX})\s+(?:le\s+)?(?P<d_d>1er|\d{{1,2}}){_AFTER_DAY}
  | (?<=\ble\ )(?P<l_d>1er|\d{{1,2}})(?=\s*,?\s*(?:(?:à|a|de|dès|vers)\s+)?(?:\d{{1,2}}\s*h|\d{{1,2}}:\d\d|\d{{1,2}}\s+heures|midi))
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


# Past this distance from the reference, a date is probably a typo in the year.
FAR_BEFORE = timedelta(days=183)
FAR_AFTER = timedelta(days=366)
# A weekday that fits a day number this recently gone is a day gone by (« mardi 15 » on Wednesday 16).
RECENT = timedelta(days=7)

# Around a match: the start of a range or a week (« du 15 au 19 mars », « entre le 3 et le 5
# mai », « la semaine du 8 mars »), and the « du 15 » that opens one.
_RANGE_BEFORE = re.compile(
    rf"(?:\bdu|\bentre(?:\s+le)?)\s+(?:(?:{_WDX})\s+)?(?:1er|\d{{1,2}})(?:\s+(?:{_MON})\.?)?(?:\s+\d{{4}})?"
    rf"\s*(?:au|et(?:\s+le)?|-|–)\s*(?:(?:{_WDX})\s+)?$|\bsemaines?\s+du\s+$",
    re.IGNORECASE,
)
_RANGE_AFTER = re.compile(r"\s*(?:au|-|–)\s*(?:\w+\.?\s+)?\d", re.IGNORECASE)
_OPENS_RANGE = re.compile(r"(?:\bdu|\bentre(?:\s+le)?)\s+(?:\w+\.?\s+)?$", re.IGNORECASE)
_LE_BEFORE = re.compile(r"\ble\s+$", re.IGNORECASE)
# The month that a list of days shares: « lundi 14 et mardi 15 décembre » is 14 December.
_SHARED_MONTH = re.compile(
    rf"(?:\s*(?:,|et|ou)\s*(?:(?:{_WDX})\s+)?(?:1er|\d{{1,2}}))+\s+(?P<month>{_MON})\.?(?:\s+(?P<year>\d{{4}}))?(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    text: str
    day: date
    time: time | None = None
    end_time: time | None = None
    # The weekday written next to the date when the date falls on another one (0 = Monday).
    weekday_mismatch: int | None = None
    far: bool = False


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


def _weekday(word: str | None) -> int | None:
    """« mardi » or « mar. » → 1; the first three letters tell the seven apart."""
    if not word:
        return None
    prefix = word.lower()[:3]
    return next(i for name, i in WEEKDAYS.items() if name.startswith(prefix))


def _nearest(reference: date, candidates, weekday: int | None) -> tuple[date | None, int | None]:
    """The first candidate on or after the reference, with the written weekday when it does not
    fit. ``candidates`` are the possible days in order, some before the reference: one of those,
    just gone and on the written weekday, means a day gone by (nothing to plan: no date)."""
    days = [d for d in candidates if d is not None]
    found = next((d for d in days if d >= reference), None)
    if found is None or weekday is None or found.weekday() == weekday:
        return found, None
    if any(reference - RECENT <= d < reference and d.weekday() == weekday for d in days):
        return None, None
    return found, weekday


def _without_year(reference: date, month: int, day: int, weekday: int | None) -> tuple[date | None, int | None]:
    """The next (day, month) on or after the reference (29 February: the next leap year)."""
    return _nearest(reference, (_safe_date(y, month, day) for y in range(reference.year - 1, reference.year + 9)), weekday)


def _without_month(reference: date, day: int, weekday: int | None) -> tuple[date | None, int | None]:
    """The next day number ``day`` on or after the reference (the 31st: the next month that has one)."""
    first = reference.replace(day=1)
    return _nearest(reference, (_safe_date(m.year, m.month, day) for m in (first + relativedelta(months=i) for i in range(-1, 13))),
                    weekday)


def _day_number(value: str) -> int:
    return 1 if value.lower() in ("1er", "premier") else int(value)


def _checked(day: date | None, weekday: int | None) -> tuple[date | None, int | None]:
    return day, (weekday if day is not None and weekday is not None and day.weekday() != weekday else None)


def _written(reference: date, day_word: str, month_word: str, year: str | None, weekday_word: str | None):
    """« mardi 14 décembre (2026) »: the day, with the written weekday when it does not fit."""
    day, month, weekday = _day_number(day_word), MONTHS[month_word.lower()], _weekday(weekday_word)
    if year:
        return _checked(_safe_date(int(year), month, day), weekday)
    return _without_year(reference, month, day, weekday) if _safe_date(2000, month, day) else (None, None)


def _day(m: re.Match, reference: date) -> tuple[date | None, int | None]:
    """The day a match means and the written weekday when the day falls on another one."""
    g = m.groupdict()
    if g["d_d"] and (shared := _SHARED_MONTH.match(m.string, m.end())):
        return _written(reference, g["d_d"], shared["month"], shared["year"], g["d_wd"])
    if g["iso_y"]:
        return _safe_date(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"])), None
    if g["n_d"]:
        return _checked(_safe_date(_year(g["n_y"]), int(g["n_m"]), int(g["n_d"])), _weekday(g["n_wd"]))
    if g["s_d"]:
        month, day = int(g["s_m"]), int(g["s_d"])
        return _without_year(reference, month, day, _weekday(g["s_wd"])) if _safe_date(2000, month, day) else (None, None)
    if g["t_d"]:
        return _written(reference, g["t_d"], g["t_m"], g["t_y"], g["t_wd"])
    if g["d_d"] or g["l_d"]:
        day = _day_number(g["d_d"] or g["l_d"])
        return _without_month(reference, day, _weekday(g["d_wd"])) if 1 <= day <= 31 else (None, None)
    if g["rel"]:
        word = g["rel"].lower()
        return reference + timedelta(days=0 if word.startswith("aujourd") else 2 if word.startswith("apr") else 1), None
    if g["next_wd"]:
        return _next_weekday(reference, WEEKDAYS[g["next_wd"].lower()], strictly_after=True), None
    if g["this_wd"]:
        return _next_weekday(reference, WEEKDAYS[g["this_wd"].lower()], strictly_after=False), None
    if g["in_n"]:
        n, unit = _number(g["in_n"]), g["in_unit"].lower()
        if unit.startswith("jour"):
            return reference + timedelta(days=n), None
        if unit.startswith("semaine"):
            return reference + timedelta(weeks=n), None
        return reference + relativedelta(months=n), None
    if g["bare_wd"]:
        return _next_weekday(reference, WEEKDAYS[g["bare_wd"].lower()], strictly_after=False), None
    return None, None


def _clock(m: re.Match, p: str) -> time | None:
    g = m.groupdict()
    if g[f"{p}noon"]:
        return time(12, 0)
    if g[f"{p}h"] is not None:
        return time(int(g[f"{p}h"]), int(g[f"{p}m"] or 0))
    if g[f"{p}ch"] is not None:
        return time(int(g[f"{p}ch"]), int(g[f"{p}cm"]))
    return None


def _in_a_range(text: str, m: re.Match) -> bool:
    """Part of a range or a week: there is no one day to link (see the module's docstring)."""
    before = text[max(0, m.start() - 60):m.start()]
    if _RANGE_BEFORE.search(before):
        return True
    return bool(_OPENS_RANGE.search(before) and _RANGE_AFTER.match(text, m.end()))


def find_dates(text: str, reference: date) -> list[DateMatch]:
    """Every French date (with its time, if any) in ``text``, relative to ``reference``."""
    found = []
    for m in DATE_RE.finditer(text):
        g = m.groupdict()
        t = TIME_RE.match(text, m.end())
        # A day and month without a year (« 14/12 ») needs « le », a weekday or a time to be a date.
        if g["s_d"] and not (g["s_wd"] or t or _LE_BEFORE.search(text[max(0, m.start() - 4):m.start()])):
            continue
        if _in_a_range(text, m):
            continue
        day, weekday_mismatch = _day(m, reference)
        if day is None:
            continue
        end, start_time, end_time = m.end(), None, None
        if t:
            start_time, end = _clock(t, "a"), t.end()
            u = UNTIL_RE.match(text, end)
            if u and _clock(u, "b") > start_time:
                end_time, end = _clock(u, "b"), u.end()
        far = not (reference - FAR_BEFORE <= day <= reference + FAR_AFTER)
        found.append(DateMatch(m.start(), end, text[m.start():end], day, start_time, end_time, weekday_mismatch, far))
    return found


def warnings(match: DateMatch) -> list[str]:
    """What to check about a date found, in French: « le 14 décembre 2026 est un lundi »
    (the weekday written was another), « date lointaine : vérifiez l’année »."""
    said = []
    if match.weekday_mismatch is not None:
        day = match.day
        written = f"{'1er' if day.day == 1 else day.day} {date_format(day, 'F').lower()} {day.year}"
        said.append(gettext("%(day)s is a %(weekday)s") % {"day": written, "weekday": date_format(day, "l").lower()})
    if match.far:
        said.append(gettext("Distant date: check the year"))
    return said
