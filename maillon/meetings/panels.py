"""Dashboard panels « Mes réunions » and « Mes tâches »: ONE query for both (a UNION of the
person's coming meetings and open tasks, read once per request), whatever the data."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import CharField, DateField, DateTimeField, F, IntegerField, Value
from django.utils import timezone

from .models import Participant, Task

HORIZON_DAYS = 60


def _mine(request) -> dict:
    cached = getattr(request, "_meetings_panels", None)
    if cached is not None:
        return cached
    now = timezone.now()
    # The organiser is a participant too (services.create_meeting), so one join answers « mine ».
    meetings = Participant.objects.for_organisation(request.organisation).filter(
        membership=request.membership, meeting__end__gte=now, meeting__start__lt=now + timedelta(days=HORIZON_DAYS),
    ).values_list(
        Value("m", output_field=CharField()), F("meeting_id"), F("meeting__title"), F("meeting__start"),
        Value(None, output_field=DateField()), Value(0, output_field=IntegerField()),
    )
    tasks = Task.objects.for_organisation(request.organisation).open().filter(assignee=request.membership).values_list(
        Value("t", output_field=CharField()), F("meeting_id"), F("description"), Value(None, output_field=DateTimeField()),
        F("due"), F("pk"),
    )
    rows = list(meetings.order_by().union(tasks.order_by(), all=True))
    far = timezone.localdate() + timedelta(days=3650)
    result = {
        "meetings": sorted(({"pk": r[1], "title": r[2], "start": r[3]} for r in rows if r[0] == "m"), key=lambda m: m["start"])[:5],
        "tasks": sorted(({"meeting_id": r[1], "description": r[2], "due": r[4], "pk": r[5]} for r in rows if r[0] == "t"),
                        key=lambda t: (t["due"] or far, t["pk"]))[:6],
    }
    request._meetings_panels = result
    return result


def my_meetings(request):
    return {"meetings": _mine(request)["meetings"]}


def my_tasks(request):
    return {"tasks": _mine(request)["tasks"]}
