"""Minutes text to HTML: a small rich-text subset (bold, italics, lists, links) sanitised with
nh3, line breaks kept, and French dates turned into links to a new-meeting form pre-filled
with that date (and the same participants). The text is stored as typed; it is sanitised
every time it is shown."""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import urlencode

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .datefinder import find_dates, warnings

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote"}
BLOCKS = {"p", "ul", "ol", "li", "blockquote", "br"}
_TAG = re.compile(r"(<[^>]*>)")


def sanitise(text: str) -> str:
    return nh3.clean(text or "", tags=TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto", "tel"},
                     link_rel="noopener noreferrer")


def new_meeting_query(match, from_meeting: int | None) -> str:
    params = {"date": match.day.isoformat()}
    if match.time:
        params["heure"] = match.time.strftime("%H:%M")
    if match.end_time:
        params["fin"] = match.end_time.strftime("%H:%M")
    if from_meeting:
        params["depuis"] = from_meeting
    return urlencode(params)


def _dates(segment: str, reference: date, new_url: str, from_meeting: int | None) -> str:
    """An escaped text segment with its dates as links, each followed by what to check about it
    (dates hold no character that escaping changes, so positions in the escaped text are the
    dates' own)."""
    parts, pos = [], 0
    for m in find_dates(segment, reference):
        parts.append(segment[pos:m.start])
        href = escape(f"{new_url}?{new_meeting_query(m, from_meeting)}")
        parts.append(f'<a class="date-link" href="{href}" data-date="{m.day.isoformat()}">{m.text}</a>')
        # What to check about it (a weekday that does not fit, a far year), right after the link.
        parts.extend(f' <em class="date-warning">({escape(said)})</em>' for said in warnings(m))
        pos = m.end
    parts.append(segment[pos:])
    return "".join(parts)


def linkify(text: str, reference: date, new_url: str, from_meeting: int | None = None) -> SafeString:
    clean = sanitise((text or "").replace("\r\n", "\n"))
    out, in_link, after_block = [], 0, True
    for piece in _TAG.split(clean):
        if not piece:
            continue
        if piece.startswith("<"):
            name = piece.strip("</>").split()[0].lower() if piece.strip("</>") else ""
            if name == "a":
                in_link += -1 if piece.startswith("</") else 1
            after_block = name in BLOCKS
            out.append(piece)
            continue
        if in_link:
            out.append(piece)
            continue
        if after_block:  # the line break that follows a list item or a paragraph is layout, not text
            piece = piece.lstrip("\n")
        piece = _dates(piece, reference, new_url, from_meeting)
        out.append(piece.replace("\n", "<br>"))
        after_block = False
    return mark_safe("".join(out))  # noqa: S308 - nh3 sanitised the text; our own tags only are added


_BREAKS = re.compile(r"<br\s*/?>|</p>|</li>|</blockquote>|<[uo]l[^>]*>", re.IGNORECASE)
_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)


def plain_text(text: str) -> str:
    """Minutes text for print (the PDF): the rich-text subset as plain lines, list items as
    « • », every tag removed and entities decoded."""
    marked = _ITEM.sub("• ", _BREAKS.sub("\n", sanitise((text or "").replace("\r\n", "\n"))))
    lines = [line.strip() for line in html.unescape(nh3.clean(marked, tags=set())).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
