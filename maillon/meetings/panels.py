"""Dashboard panels « Mes réunions », « Mes tâches » and « Comptes-rendus en attente »: ONE
query for the three (a UNION of the person's coming meetings, open tasks and minutes to
write, to contribute to and to read, read once per request), whatever the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import CharField, DateField, DateTimeField, F, IntegerField, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.core.prepared import prepared
from maillon.core.registry import dashboard_place

from .models import Minutes, Participant, Task

HORIZON_DAYS = 60
TO_WRITE_DAYS = 180  # past meetings whose minutes are still to publish
TO_READ_DAYS = 60  # minutes published lately and not opened since
PENDING = {"w": "to_write", "c": "to_contribute", "r": "to_read"}


# Stand-ins of the query compiled once per process (core.prepared): never real ids or dates.
_AT = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


@prepared(organisation=-810_001, membership=-810_002, user=-810_003, now=_AT, horizon=_AT + timedelta(seconds=1),
          write_since=_AT - timedelta(seconds=1), read_since=_AT - timedelta(seconds=2))
def _rows(organisation, membership, user, now, horizon, write_since, read_since):
    # The organiser is a participant too (services.create_meeting), so one join answers « mine ».
    meetings = Participant.objects.for_organisation(organisation).filter(
        membership=membership, meeting__end__gte=now, meeting__start__lt=horizon, meeting__cancelled_at__isnull=True,
    ).values_list(
        Value("m", output_field=CharField()), F("meeting_id"), F("meeting__title"), F("meeting__start"),
        Value(None, output_field=DateField()), Value(0, output_field=IntegerField()),
    )
    tasks = Task.objects.for_organisation(organisation).open().filter(assignee=membership).values_list(
        Value("t", output_field=CharField()), F("meeting_id"), F("description"), Value(None, output_field=DateTimeField()),
        F("due"), F("pk"),
    )
    mine = Participant.objects.for_organisation(organisation).filter(membership=membership)

    def pending(kind, qs):
        return qs.values_list(Value(kind, output_field=CharField()), F("meeting_id"), F("meeting__title"), F("meeting__start"),
                              Value(None, output_field=DateField()), Value(0, output_field=IntegerField())).order_by()

    draft, published = Minutes.Status.DRAFT, Minutes.Status.PUBLISHED
    to_write = mine.filter(meeting__organiser_id=user, meeting__end__lt=now, meeting__end__gte=write_since,
                           meeting__minutes__status=draft, meeting__cancelled_at__isnull=True)
    to_contribute = mine.filter(asked_to_contribute_at__isnull=False, meeting__minutes__status=draft).filter(
        Q(contributed_at__isnull=True) | Q(contributed_at__lt=F("asked_to_contribute_at")))
    to_read = mine.filter(meeting__minutes__status=published, meeting__minutes__published_at__gte=read_since).filter(
        Q(minutes_read_at__isnull=True) | Q(minutes_read_at__lt=F("meeting__minutes__published_at"))).exclude(
        meeting__organiser_id=user)
    return meetings.order_by().union(tasks.order_by(), pending("w", to_write), pending("c", to_contribute),
                                     pending("r", to_read), all=True)


def _mine(request) -> dict:
    cached = getattr(request, "_meetings_panels", None)
    if cached is not None:
        return cached
    now = timezone.now()
    rows = list(_rows(organisation=request.organisation.pk, membership=request.membership.pk, user=request.user.pk, now=now,
                      horizon=now + timedelta(days=HORIZON_DAYS), write_since=now - timedelta(days=TO_WRITE_DAYS),
                      read_since=now - timedelta(days=TO_READ_DAYS)))
    far = timezone.localdate() + timedelta(days=3650)
    result = {
        "meetings": sorted(({"pk": r[1], "title": r[2], "start": r[3]} for r in rows if r[0] == "m"), key=lambda m: m["start"])[:5],
        "task_count": sum(1 for r in rows if r[0] == "t"),
        "tasks": sorted(({"meeting_id": r[1], "description": r[2], "due": r[4], "pk": r[5]} for r in rows if r[0] == "t"),
                        key=lambda t: (t["due"] or far, t["pk"]))[:6],
    }
    result["pending_count"] = sum(1 for r in rows if r[0] in PENDING)
    for key, name in PENDING.items():
        result[name] = sorted(({"pk": r[1], "title": r[2], "start": r[3]} for r in rows if r[0] == key),
                              key=lambda m: m["start"], reverse=True)[:5]
    request._meetings_panels = result
    return result


@dashboard_place("day", 20)
def my_meetings(request):
    return {"meetings": _mine(request)["meetings"]}


@dashboard_place("waiting", 20)
def my_tasks(request):
    mine = _mine(request)
    today = timezone.localdate()
    tasks = [{**task, "overdue": task["due"] is not None and task["due"] < today} for task in mine["tasks"]]
    count = mine["task_count"]
    # idle: nothing to do, the dashboard does not render the panel (« rien ne vous attend »)
    return {"tasks": tasks, "count": count, "waiting": [{"count": count, "label": _("My tasks")}], "idle": not count}


@dashboard_place("waiting", 30)
def pending_minutes(request):
    mine = _mine(request)
    count = mine["pending_count"]
    return {**{name: mine[name] for name in PENDING.values()}, "count": count,
            "waiting": [{"count": count, "label": _("Minutes waiting")}], "idle": not count}
