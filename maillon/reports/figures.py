"""The figures of an activity report, for a space or for a federation, over a period.

Each figure is a function ``(scope, period) -> int`` registered with its label and section;
another app adds its own in its ``AppConfig.ready()`` (``register("posts", _("Posts"),
"contributions", count_posts)``). Figures that one query computes together are registered as a
group (``register_group``): one function ``(scope, period, now) -> {key: value}`` and the labels
of the figures it returns. A space's meetings come from the apps that link meetings to spaces
(``register_space_meetings``); a federation's are those of its organisations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .periods import Period

SECTIONS = {
    "meetings": _("Meetings"),
    "work": _("Decisions and tasks"),
    "people": _("Members"),
    "contributions": _("Contributions"),
    "outreach": _("Outreach"),
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    section: str
    compute: Callable[[Any, Period], int] | None  # None: computed by its group
    order: int = 100
    scopes: tuple[str, ...] = ("space", "federation")
    group: str = ""


FIGURES: dict[str, Figure] = {}
GROUPS: dict[str, Callable[[Any, Period, datetime], dict[str, int]]] = {}
SPACE_MEETINGS: list[Callable[[Any], Any]] = []


def register(key: str, label, section: str, compute, *, order: int = 100, scopes=("space", "federation")) -> None:
    FIGURES[key] = Figure(key, label, section, compute, order, tuple(scopes))


def register_group(name: str, compute: Callable[[Any, Period, datetime], dict[str, int]],
                   figures: list[tuple[str, Any, str]], *, order: int = 100, scopes=("space", "federation")) -> None:
    """Several figures computed at once: ``compute(scope, period, now)`` returns a value for each
    key of ``figures`` (``[(key, label, section), …]``, shown in this order from ``order``)."""
    GROUPS[name] = compute
    for offset, (key, label, section) in enumerate(figures):
        FIGURES[key] = Figure(key, label, section, None, order + offset, tuple(scopes), group=name)


def register_space_meetings(source: Callable[[Any], Any]) -> None:
    """``source(space)`` → a queryset of the meeting ids of that space (meetings app's Meeting)."""
    SPACE_MEETINGS.append(source)


@dataclass
class Scope:
    """What a report is about: one space, or one federation (all its organisations)."""

    kind: str  # "space" or "federation"
    name: str
    organisation: Any  # whose colours and logo the documents wear
    space: Any = None
    federation: Any = None
    _organisations: list[int] | None = field(default=None, repr=False)

    @classmethod
    def of_space(cls, space) -> Scope:
        return cls("space", space.name, space.organisation, space=space)

    @classmethod
    def of_federation(cls, federation, office) -> Scope:
        return cls("federation", federation.name, office, federation=federation)

    def organisation_ids(self) -> list[int]:
        if self._organisations is None:
            if self.kind == "federation":
                self._organisations = list(self.federation.organisations.filter(is_active=True).values_list("pk", flat=True))
            else:
                self._organisations = [self.space.organisation_id]
        return self._organisations

    def meetings(self):
        from maillon.meetings.models import Meeting

        if self.kind == "federation":
            return Meeting.objects.filter(organisation_id__in=self.organisation_ids())
        condition = Q(pk__in=[])
        for source in SPACE_MEETINGS:
            condition |= Q(pk__in=source(self.space))
        return Meeting.objects.filter(condition)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(period.start, time.min), tz),
            timezone.make_aware(datetime.combine(period.end, time.max), tz))


def compute(scope: Scope, period: Period, now: datetime | None = None) -> list[dict]:
    """[{section, label, figures: [{key, label, value}]}] in the sections' order, empty sections left out."""
    now = now or timezone.now()
    wanted = [f for f in sorted(FIGURES.values(), key=lambda f: (f.order, f.key)) if scope.kind in f.scopes]
    values: dict[str, int] = {}
    for group in dict.fromkeys(f.group for f in wanted if f.group):  # each group once, in order
        values.update(GROUPS[group](scope, period, now))
    by_section: dict[str, list] = {key: [] for key in SECTIONS}
    for figure in wanted:
        value = values[figure.key] if figure.group else figure.compute(scope, period)
        by_section.setdefault(figure.section, []).append({"key": figure.key, "label": figure.label, "value": value})
    return [{"section": key, "label": SECTIONS.get(key, key), "figures": rows} for key, rows in by_section.items() if rows]


def flat(sections: list[dict]) -> dict[str, int]:
    return {row["key"]: row["value"] for section in sections for row in section["figures"]}


def _meeting_figures(scope: Scope, period: Period, now: datetime) -> dict[str, int]:
    """The meetings' figures in three queries (one per table), whatever the number of meetings."""
    from maillon.meetings.models import Minutes, Outcome, Participant, Task

    first, last = _bounds(period)
    after_first, after_last = _bounds(period.next())
    meetings = scope.meetings().filter(cancelled_at__isnull=True)
    counts = meetings.aggregate(
        held=Count("pk", filter=Q(start__gte=first, start__lte=min(last, now))),
        planned=Count("pk", filter=Q(start__gt=max(now, first), start__lte=max(last, after_last))),
    )
    held = meetings.filter(start__gte=first, start__lte=min(last, now)).values("pk")
    present = Participant.objects.filter(meeting__in=held, attendance="present").aggregate(
        people=Count("membership__user", distinct=True), organisations=Count("membership__organisation", distinct=True))
    minutes = Minutes.objects.filter(meeting__in=meetings.values("pk"), status=Minutes.Status.PUBLISHED,
                                     published_at__gte=first, published_at__lte=last).count()
    decisions = Outcome.objects.filter(minutes__meeting__in=meetings.values("pk"), kind=Outcome.Kind.DECISION,
                                       created_at__gte=first, created_at__lte=last).count()
    today = min(period.end, timezone.localdate(now))
    tasks = Task.objects.filter(meeting__in=scope.meetings().values("pk")).aggregate(
        n_done=Count("pk", filter=Q(done=True, done_at__gte=first, done_at__lte=last)),
        n_late=Count("pk", filter=Q(done=False, due__lt=today)),
    )
    return {"meetings_held": counts["held"], "meetings_planned": counts["planned"], "present_people": present["people"],
            "present_organisations": present["organisations"], "minutes_published": minutes, "decisions": decisions,
            "tasks_done": tasks["n_done"], "tasks_late": tasks["n_late"]}


def per_month(scope: Scope, period: Period, now: datetime | None = None) -> list[dict]:
    """Meetings per month of the period: [{label, value, planned}], ``value`` those held (started
    by ``now``), ``planned`` every meeting of the month not cancelled, held or to come (the charts)."""
    from django.db.models.functions import TruncMonth

    now = now or timezone.now()
    first, last = _bounds(period)
    rows = (scope.meetings().filter(cancelled_at__isnull=True, start__gte=first, start__lte=last)
            .annotate(month=TruncMonth("start")).values("month")
            .annotate(n=Count("pk"), held=Count("pk", filter=Q(start__lte=now))))
    found = {(row["month"].year, row["month"].month): row for row in rows}
    empty = {"n": 0, "held": 0}
    return [{"label": date_format(month, "F Y").capitalize(), "value": found.get((month.year, month.month), empty)["held"],
             "planned": found.get((month.year, month.month), empty)["n"]} for month in period.months()]


def attendance(scope: Scope, period: Period, now: datetime | None = None, limit: int = 12) -> list[dict]:
    """People present at the meetings held in the period, by organisation, most present first:
    [{label, value}] (names of organisations only, never of people)."""
    from maillon.meetings.models import Participant

    now = now or timezone.now()
    first, last = _bounds(period)
    held = scope.meetings().filter(cancelled_at__isnull=True, start__gte=first, start__lte=min(last, now)).values("pk")
    rows = (Participant.objects.filter(meeting__in=held, attendance="present").values("membership__organisation__name")
            .annotate(n=Count("membership__user", distinct=True)).order_by("-n", "membership__organisation__name")[:limit])
    return [{"label": row["membership__organisation__name"], "value": row["n"]} for row in rows]


def upcoming(scope: Scope, period: Period, now: datetime | None = None, limit: int = 5) -> list[dict]:
    """The next meetings, up to the end of the following period: [{date, title}]."""
    now = now or timezone.now()
    last = _bounds(period.next())[1]
    rows = (scope.meetings().filter(cancelled_at__isnull=True, start__gt=now, start__lte=last)
            .order_by("start", "pk").values_list("start", "title")[:limit])
    return [{"date": timezone.localtime(start).date(), "title": title} for start, title in rows]


def actions(scope: Scope, period: Period, now: datetime | None = None, limit: int = 200) -> list[dict]:
    """What was done (for a final report): each meeting held, with its decisions, oldest first."""
    from maillon.meetings.models import Outcome

    now = now or timezone.now()
    first, last = _bounds(period)
    meetings = list(scope.meetings().filter(cancelled_at__isnull=True, start__gte=first, start__lte=min(last, now))
                    .select_related("organisation").order_by("start", "pk")[:limit])
    decisions: dict[int, list[str]] = {}
    for meeting_id, text in (Outcome.objects.filter(minutes__meeting__in=[m.pk for m in meetings], kind=Outcome.Kind.DECISION)
                             .order_by("item", "pk").values_list("minutes__meeting_id", "text")):
        decisions.setdefault(meeting_id, []).append(text)
    return [{"date": timezone.localtime(m.start).date(), "title": m.title, "organisation": m.organisation.name,
             "decisions": decisions.get(m.pk, [])} for m in meetings]


def _space_members(scope: Scope, period: Period) -> int:
    from maillon.spaces.models import SpaceMember

    return SpaceMember.objects.filter(space=scope.space, joined_at__lte=_bounds(period)[1]).count()


def _space_new_members(scope: Scope, period: Period) -> int:
    from maillon.spaces.models import SpaceMember

    first, last = _bounds(period)
    return SpaceMember.objects.filter(space=scope.space, joined_at__gte=first, joined_at__lte=last).count()


def _space_organisations(scope: Scope, period: Period) -> int:
    """Organisations taking part: those of the members added by name, and the whole ones that accepted."""
    from maillon.spaces.models import SpaceMember, SpaceOrganisation

    last = _bounds(period)[1]
    named = set(SpaceMember.objects.filter(space=scope.space, joined_at__lte=last, organisation__isnull=False)
                .values_list("organisation", flat=True))
    whole = set(SpaceOrganisation.objects.filter(space=scope.space, accepted_at__lte=last).values_list("organisation", flat=True))
    return len(named | whole)


def _federation_organisations(scope: Scope, period: Period) -> int:
    return len(scope.organisation_ids())


register_group("meetings", _meeting_figures, [
    ("meetings_held", _("Meetings held"), "meetings"),
    ("meetings_planned", _("Meetings planned (this period and the next)"), "meetings"),
    ("present_people", _("People present"), "meetings"),
    ("present_organisations", _("Organisations present"), "meetings"),
    ("minutes_published", _("Minutes published"), "meetings"),
    ("decisions", _("Decisions taken"), "work"),
    ("tasks_done", _("Tasks done"), "work"),
    ("tasks_late", _("Tasks late"), "work"),
], order=0)
register("space_members", _("Members"), "people", _space_members, order=20, scopes=("space",))
register("space_new_members", _("New members"), "people", _space_new_members, order=21, scopes=("space",))
register("space_organisations", _("Organisations taking part"), "people", _space_organisations, order=22, scopes=("space",))
register("federation_organisations", _("Organisations of the federation"), "people", _federation_organisations, order=22,
         scopes=("federation",))


def today() -> date:
    return timezone.localdate()
