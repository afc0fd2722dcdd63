"""iCalendar output (the icalendar library): one event, a person's feed, a room's feed."""

from __future__ import annotations

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as VEvent


def calendar(occurrences, *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Maillon//agenda//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for occ in occurrences:
        event = occ.event
        item = VEvent()
        item.add("uid", f"occ-{occ.pk}@maillon")
        item.add("summary", event.title)
        item.add("dtstart", occ.start)
        item.add("dtend", occ.end)
        item.add("dtstamp", event.updated_at)
        if event.place:
            item.add("location", event.place)
        if event.description:
            item.add("description", event.description)
        cal.add_component(item)
    return cal.to_ical()
