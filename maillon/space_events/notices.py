"""The registrants of a space's event are told when its meeting changes in the meetings app
(``meetings.signals.meeting_changed``): a new date, place, room or title, or a cancellation, once per
change, to everyone registered or waiting whatever their organisation (a notification, e-mailed
as each person chose for « space_events.change »). Dates are said in French, Paris time."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillon.agenda.recurrence import PARIS
from maillon.notifications.services import notify

from .models import Registration, SpaceEvent

KIND = "space_events.change"
TOLD = (Registration.Status.REGISTERED, Registration.Status.WAITING)


def _day(moment) -> str:
    day = date_format(moment, "l j F Y")
    return day[:1].lower() + day[1:]  # « jeudi », inside a sentence


def when(start, end) -> str:
    """« mardi 15 décembre 2026, 14:00–16:00 » (Paris time; the end's day too when it differs)."""
    start, end = timezone.localtime(start, PARIS), timezone.localtime(end, PARIS)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{_day(end)} {end:%H:%M}"
    return _("%(day)s, %(start)s–%(end)s") % {"day": _day(start), "start": f"{start:%H:%M}", "end": until}


def describe(meeting, changes: dict) -> tuple[str, str]:
    """The notification's title and body: what changed, before → after."""
    if changes.get("cancelled"):
        return (_("Event cancelled: %(title)s") % {"title": meeting.title},
                _("The event of %(when)s is cancelled: registrations are closed.") % {"when": when(meeting.start, meeting.end)})
    lines = []
    if changes.get("title"):
        lines.append(_("Title: %(before)s → %(after)s.") % {"before": changes["title"][0], "after": changes["title"][1]})
    if "start" in changes or "end" in changes:
        before = when(changes.get("start", (meeting.start,))[0], changes.get("end", (meeting.end,))[0])
        lines.append(_("Date: %(before)s → %(after)s.") % {"before": before, "after": when(meeting.start, meeting.end)})
    room = changes.get("room")
    place = changes.get("place")
    if place:
        lines.append(_("Place: %(before)s → %(after)s.") % {"before": place[0] or _("not given"), "after": place[1] or _("not given")})
    if room and not (place and place[1] == room[1]):  # a place that follows the new room says it already
        lines.append(_("Room: %(before)s → %(after)s.") % {"before": room[0] or _("not given"), "after": room[1] or _("not given")})
    return _("Event changed: %(title)s") % {"title": meeting.title}, "\n".join(lines)


def tell_registrants(sender, meeting, changes: dict, **kwargs) -> int:
    """Receiver of ``meeting_changed``: one notification per person registered or waiting, after
    the commit. Returns how many people are told."""
    if not ({"start", "end", "place", "room", "title", "cancelled"} & set(changes)):
        return 0
    event = SpaceEvent.objects.filter(meeting=meeting).select_related("space").first()
    if event is None:
        return 0
    from .services import event_url

    users = [r.user for r in Registration.objects.filter(event=event, status__in=TOLD).select_related("user").order_by("pk")]
    if not users:
        return 0
    title, body = describe(meeting, changes)
    url = event_url(event)
    transaction.on_commit(lambda: [notify(user, title, body=body, url=url, kind=KIND) for user in users])
    return len(users)
