"""The planning's occurrence line, drawn in Python: the list, day and week views and a room's week
show up to 56 of them, and a template include per line (with its URL reversed each time) was the
largest part of those pages' CPU (issue 14). The markup is the one the partial had."""

from datetime import datetime
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from maillon.ui.dates import format_date

register = template.Library()

ROOM_STATUS = {"pending": gettext_noop("awaiting approval"), "awaiting_procedure": gettext_noop("awaiting its procedure")}


@lru_cache(maxsize=256)
def _event_url_start(script_prefix: str, slug: str) -> str:
    """``/…/agenda/evenements/`` for this organisation: the event's pk and ``/`` follow."""
    url = reverse("agenda:event", kwargs={"org": slug, "pk": 0})
    return url[: url.rindex("/0/") + 1]


def _clock(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


@register.simple_tag(takes_context=True)
def occurrence(context, occ) -> str:
    """``<a class="occ …">`` for a planning line (``agenda.views._Line``: ``.event`` and ``.rooms``,
    each with ``name`` and ``status``): time, title, rooms (with their approval state) or place, the event's status
    when it is not published."""
    event = occ.event
    start = _event_url_start(get_script_prefix(), context["organisation"].slug)
    # The translations are written as they are (as {% translate %} does), the data escaped.
    when = gettext("All day") if event.all_day else f"{_clock(occ.start)}–{_clock(occ.end)}"
    rooms = occ.rooms
    if rooms:
        names = ", ".join(
            conditional_escape(a.name) + (f" ({gettext(ROOM_STATUS[a.status])})" if a.status in ROOM_STATUS else "") for a in rooms
        )
        where = f' <span class="muted">· {names}</span>'
    elif event.place:
        where = f' <span class="muted">· {conditional_escape(event.place)}</span>'
    else:
        where = ""
    status = "" if event.status == "published" else f' <span class="status">{conditional_escape(event.get_status_display())}</span>'
    return mark_safe(  # noqa: S308 - every value in it is escaped; our own tags only
        f'\n<a class="occ kind-{conditional_escape(event.kind)}" href="{conditional_escape(start)}{occ.event_id}/"><span class="occ-time">{when}</span> '
        f"<strong>{conditional_escape(event.title)}</strong>{where}{status}</a>\n"
    )


@register.simple_tag(takes_context=True)
def list_lines(context, lines) -> str:
    """The list view's lines (``occurrence``), each day titled (« Lundi 7 décembre ») before its first
    line; the day compared is the start's date as stored (UTC), as ``{% ifchanged occ.start.date %}``
    compared it, the title written in local time as the ``date`` filter wrote it."""
    out, day = [], None
    for occ in lines:
        if occ.start.date() != day:
            day = occ.start.date()
            title = conditional_escape(capfirst(format_date(timezone.localtime(occ.start), "l j F")))
            out.append(f'<li class="agenda-day"><h2>{title}</h2></li>')
        out.append(f"<li>{occurrence(context, occ)}</li>")
    return mark_safe("".join(out))  # noqa: S308 - the lines are ours, the titles escaped


@register.simple_tag(takes_context=True)
def planning_days(context, occurrences) -> str:
    """« Mon planning » on the dashboard: the occurrences grouped by local day (``.day``), each day
    titled as ``naturalday:"l j F"|capfirst`` (« Aujourd'hui », « Demain », « Lundi 8 décembre »),
    each line its time and linked title. Drawn here as ``occurrence`` is (issue 14)."""
    start = _event_url_start(get_script_prefix(), context["organisation"].slug)
    today = datetime.now().date()  # as humanize's naturalday takes it for a date
    days: list[tuple[object, list[str]]] = []
    for occ in occurrences:
        if not days or days[-1][0] != occ.day:
            days.append((occ.day, []))
        moment = timezone.localtime(occ.start)
        days[-1][1].append(
            f'<li class="li-time"><time datetime="{moment.isoformat()}">{moment.strftime("%H:%M")}</time>'
            f'<a href="{start}{occ.event_id}/">{conditional_escape(occ.event.title)}</a></li>'
        )
    return mark_safe("".join(  # noqa: S308 - the titles are escaped, the rest is ours
        f'<p class="li-group">{conditional_escape(capfirst(_natural_day(day, today)))}</p>\n<ul class="list">{"".join(lines)}</ul>'
        for day, lines in days
    ))


def _natural_day(day, today) -> str:
    """humanize's ``naturalday:"l j F"`` (« today », « tomorrow », « yesterday », else the date; ``today``
    as humanize takes it, the server's clock for a date), the date written by ``ui.dates``."""
    delta = (day - today).days
    if delta == 0:
        return gettext("today")
    if delta == 1:
        return gettext("tomorrow")
    if delta == -1:
        return gettext("yesterday")
    return format_date(day, "l j F")
