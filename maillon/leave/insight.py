"""What a leave request means for the people who read it: how its days are counted, the
person's balances before and after it, and who else in the sector is away on those days.

Read-only, for two screens: the live estimate of the leave form (the applicant, while choosing
dates) and the approver's page of a request. Counts go through the same functions as the ledger
(``services.count_request`` gives the same total as ``explain``); the queries do not grow with the
length of the request nor with the size of the sector.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q

from . import counting, services
from .closures import closed_days
from .models import Half, LeaveType, LedgerEntry, PendingRequest

# Beyond this many days the absence strip lists only the days when someone else is away.
STRIP_EVERY_DAY_UP_TO = 21


def find_type(organisation, name: str) -> LeaveType | None:
    """The active leave type called ``name`` (its name or code, any case), or None."""
    wanted = (name or "").strip().lower()
    if not wanted:
        return None
    return next((t for t in services.active_types(organisation) if wanted in (t.name.lower(), t.code.lower())), None)


def explain(membership, leave_type, start: date, start_half: str, end: date, end_half: str) -> counting.Count:
    """``counting.explain_days`` with the person's cycle, the type's counting mode and the
    organisation's public holidays and closures, exactly as ``services.count_request`` counts (same window)."""
    return _explain(membership, leave_type, start, start_half, end, end_half)[0]


def _explain(membership, leave_type, start, start_half, end, end_half) -> tuple[counting.Count, dict[date, str]]:
    conf = services.settings_for(membership.organisation)
    holidays = counting.holidays_between(start - timedelta(days=7), end + timedelta(days=7), conf.alsace_moselle)
    closed = closed_days(membership.organisation, start - timedelta(days=7), end + timedelta(days=7))
    count = counting.explain_days(start, start_half, end, end_half, mode=services.mode_for(membership.organisation, leave_type),
                                  cycle=services.cycle_of(membership), holidays=holidays | frozenset(closed))
    return count, closed


@dataclass
class Estimate:
    """A request as its readers see it. ``rows``: every type counted against a balance, each
    ``{"type", "balance", "pending", "after"}`` where ``pending`` leaves this request out and
    ``after`` is the available balance once this request is taken (only its own type changes)."""

    leave_type: LeaveType
    count: counting.Count
    rows: list[dict]
    problems: list[str]
    skipped: list[tuple[date, str]]  # the days not counted inside the span: (day, "" for a public holiday, else the closure's reason)

    @property
    def days(self) -> Decimal:
        return self.count.days

    @property
    def row(self) -> dict | None:
        return next((r for r in self.rows if r["type"].pk == self.leave_type.pk), None)

    @property
    def goes_negative(self) -> bool:
        row = self.row
        return row is not None and row["after"] < 0


def estimate(membership, leave_type: LeaveType, start: date, start_half: str, end: date, end_half: str, *,
             reference: str | None = None, check: bool = True, today: date | None = None) -> Estimate:
    """Days, how they are counted, and the balances before and after. ``reference``: the
    request's own hold (a request already sent), left out of the days pending. ``check``: also
    the leave rules a request must pass when it is sent (notice, balance), as French sentences."""
    count, closed = _explain(membership, leave_type, start, start_half, end, end_half)
    balances = services.balances(membership)
    own = Decimal(0)
    if reference:
        own = sum((p for p in PendingRequest.objects.filter(organisation_id=membership.organisation_id, reference=reference)
                   .values_list("days", flat=True)), Decimal(0))
    rows = []
    for row in balances:
        kind = row["type"]
        if not kind.counts_against_balance:
            continue
        mine = kind.pk == leave_type.pk
        pending = row["pending"] - (own if mine else 0)
        rows.append({"type": kind, "balance": row["balance"], "pending": pending,
                     "after": row["balance"] - pending - (count.days if mine else 0), "this": mine})
    problems: list[str] = []
    if check:
        row = next((r for r in rows if r["this"]), None)
        try:
            services.validate_request(membership, leave_type, start, start_half, end, end_half, today=today,
                                      current=row["balance"] if row else None, pending=row["pending"] if row else None)
        except ValidationError as error:
            problems = [message for messages in error.message_dict.values() for message in messages]
    return Estimate(leave_type, count, rows, problems, [(day, closed.get(day, "")) for day in count.holidays])


@dataclass
class Away:
    name: str
    half: str  # "" for the whole day, else Half.MORNING / Half.AFTERNOON
    pending: bool


def team_absences(organisation, sector_id: int | None, start: date, end: date, *, exclude_user_id: int | None,
                  holidays=()) -> list[dict]:
    """Who else of the sector is away on each day of ``start``–``end`` (Sundays left out): approved
    leave not cancelled, and requests awaiting a decision (marked). ``[{"day", "holiday", "people": [Away]}]``;
    beyond ``STRIP_EVERY_DAY_UP_TO`` days only the days with someone away. Two queries."""
    if sector_id is None or end < start:
        return []
    cancelled = LedgerEntry.objects.filter(organisation=organisation, kind=LedgerEntry.Kind.CANCEL, reference=OuterRef("reference"))
    of_sector = Q(membership__sector_id=sector_id, membership__is_active=True, start_date__lte=end, end_date__gte=start)
    fields = ("membership__user__first_name", "membership__user__last_name", "membership__user__username",
              "start_date", "start_half", "end_date", "end_half")
    approved = (LedgerEntry.objects.for_organisation(organisation).filter(of_sector, kind=LedgerEntry.Kind.DEBIT)
                .exclude(Exists(cancelled)).exclude(membership__user_id=exclude_user_id).values_list(*fields))
    waiting = (PendingRequest.objects.filter(of_sector, organisation=organisation)
               .exclude(membership__user_id=exclude_user_id).values_list(*fields))
    spans = [(row, False) for row in approved] + [(row, True) for row in waiting]
    days: dict[date, list[Away]] = {}
    day = start
    while day <= end:
        if day.weekday() != 6:
            days[day] = []
        day += timedelta(days=1)
    for (first, last, username, s_date, s_half, e_date, e_half), pending in spans:
        name = f"{first} {last}".strip() or username
        day = max(s_date, start)
        while day <= min(e_date, end):
            morning = not (day == s_date and s_half == Half.AFTERNOON)
            afternoon = not (day == e_date and e_half == Half.MORNING)
            if day in days and (morning or afternoon):
                days[day].append(Away(name, "" if morning and afternoon else Half.MORNING if morning else Half.AFTERNOON, pending))
            day += timedelta(days=1)
    rows = [{"day": d, "holiday": d in holidays, "people": sorted(people, key=lambda a: (a.pending, a.name))} for d, people in days.items()]
    if len(rows) > STRIP_EVERY_DAY_UP_TO:
        rows = [r for r in rows if r["people"]]
    return rows


def held_by_reference(organisation, references) -> dict[str, dict]:
    """The requests awaiting a decision among ``references`` (``procedures.submission:<pk>``): their
    type, days and dates, for a list of requests to decide. One query whatever their number."""
    rows = (PendingRequest.objects.filter(organisation=organisation, reference__in=list(references))
            .values_list("reference", "leave_type__name", "days", "start_date", "end_date"))
    return {ref: {"type": name, "days": days, "start": start, "end": end} for ref, name, days, start, end in rows}
