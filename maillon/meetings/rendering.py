"""Minutes text to HTML: escaped, line breaks kept, French dates turned into links to a
new-meeting form pre-filled with that date (and the same participants)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .datefinder import find_dates


def new_meeting_query(match, from_meeting: int | None) -> str:
    params = {"date": match.day.isoformat()}
    if match.time:
        params["heure"] = match.time.strftime("%H:%M")
    if match.end_time:
        params["fin"] = match.end_time.strftime("%H:%M")
    if from_meeting:
        params["depuis"] = from_meeting
    return urlencode(params)


def _plain(text: str) -> list:
    """Text pieces with each line break as a <br> (escaped later by format_html_join)."""
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append(format_html("<br>"))
        pieces.append(line)
    return pieces


def linkify(text: str, reference: date, new_url: str, from_meeting: int | None = None) -> SafeString:
    parts, pos = [], 0
    for m in find_dates(text, reference):
        parts += _plain(text[pos:m.start])
        href = f"{new_url}?{new_meeting_query(m, from_meeting)}"
        parts.append(format_html('<a class="date-link" href="{}" data-date="{}">{}</a>', href, m.day.isoformat(), m.text))
        pos = m.end
    parts += _plain(text[pos:])
    return format_html_join("", "{}", ((part,) for part in parts))
