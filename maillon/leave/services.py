"""Leave services: the one place that writes the ledger.

For the procedures app (« Autorisation d'absence et demande de congé »):

    from maillon.leave import services as leave
    leave.leave_types(organisation)                       # active LeaveType queryset
    days = leave.count_request(membership, leave_type, start_date, "am", end_date, "pm")
    leave.validate_request(membership, leave_type, start_date, "am", end_date, "pm")
        # -> days; raises ValidationError({"start_date"/"end_date"/"leave_type": French message})
    leave.balance(membership, leave_type)                 # Decimal, the ledger's sum
    leave.pending_days(membership, leave_type)            # Decimal, held by requests awaiting a decision
    leave.hold_request(membership=..., leave_type=..., start_date=..., start_half="am", end_date=...,
        end_half="pm", reference=f"procedures.submission:{pk}")   # the request is sent
    leave.release_request(f"procedures.submission:{pk}", organisation=org)  # rejected, withdrawn, sent back
    entry = leave.record_approved_request(membership=..., leave_type=..., start_date=...,
        start_half="am", end_date=..., end_half="pm", reference=f"procedures.submission:{pk}", actor=user)
    leave.cancel_request(f"procedures.submission:{pk}", actor=user)   # credits it back

Halves: for the start date ``"am"`` means from the morning (whole first day) and ``"pm"``
from the afternoon; for the end date ``"am"`` means until noon and ``"pm"`` until the
evening. The calls are idempotent per reference; the ledger writes are audited.

The available balance is the ledger's sum minus the days held by the person's requests that are
sent and not yet decided (``PendingRequest``). A type that refuses a negative balance
(``LeaveType.negative_balance``) refuses a request beyond the available balance when it is sent
(``validate_request``, then ``hold_request`` again under the person's lock) and refuses the final
approval (``record_approved_request``, under the same lock) when the balance no longer covers it; a
type that allows it lets both through and tells HR at the approval. The lock is the person's
membership row (``select_for_update``): every request sent, final approval and correction takes it
first, so two of them for one person never both read the balance before the other writes.

For the agenda app: ``absences_between(organisation, start, end)`` → approved, not
cancelled leave as ``[(user_id, start_datetime, end_datetime)]`` (aware, Europe/Paris).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.core.prepared import prepared

from . import counting
from .closures import closed_days
from .models import (
    FULL_TIME,
    YEARLY_ENTITLEMENT,
    CountingMode,
    Half,
    LeaveSettings,
    LeaveType,
    LedgerEntry,
    PendingRequest,
    WorkCycle,
)

ZERO = Decimal("0.00")

# The types every organisation starts with: (code, name, counted, accrues, main paid leave, notice days).
DEFAULT_TYPES = [
    ("cp", "Congés payés", True, True, True, 30),
    ("rtt", "RTT", True, False, False, 7),
    ("recup", "Récupération", True, False, False, 2),
    ("sans-solde", "Congé sans solde", False, False, False, 30),
    ("familial", "Événement familial", False, False, False, 0),
]


@prepared(organisation=-730_004)
def _settings(organisation):
    return LeaveSettings.objects.filter(organisation_id=organisation)


def settings_for(organisation) -> LeaveSettings:
    found = getattr(organisation, "_leave_settings_cache", None)
    if found is None:
        # Read through a query compiled once per process; created the first time.
        found = next(iter(_settings(organisation=organisation.pk)), None) or LeaveSettings.objects.get_or_create(organisation=organisation)[0]
        organisation._leave_settings_cache = found
    return found


def ensure_default_types(organisation) -> None:
    """Create the five standard leave types once (idempotent)."""
    existing = set(LeaveType.objects.for_organisation(organisation).values_list("code", flat=True))
    LeaveType.objects.bulk_create([
        LeaveType(organisation=organisation, code=code, name=name, counts_against_balance=counted,
                  accrues_monthly=accrues, is_paid_leave=main, notice_days=notice, order=index)
        for index, (code, name, counted, accrues, main, notice) in enumerate(DEFAULT_TYPES) if code not in existing
    ])


def leave_types(organisation):
    """Active leave types of the organisation (the defaults are created on first use)."""
    if not getattr(organisation, "_leave_types_ensured", False):
        ensure_default_types(organisation)
        organisation._leave_types_ensured = True
    return LeaveType.objects.for_organisation(organisation).active()


@prepared(organisation=-730_003)
def _active_types(organisation):
    return LeaveType.objects.filter(organisation_id=organisation).active()


def active_types(organisation) -> list[LeaveType]:
    """The active types as a list, in one query once the defaults exist (compiled once per process)."""
    types = list(_active_types(organisation=organisation.pk))
    if not types and not getattr(organisation, "_leave_types_ensured", False):
        types = list(leave_types(organisation))
    return types


def cycle_of(membership) -> int:
    try:
        return membership.work_cycle.half_days
    except WorkCycle.DoesNotExist:
        return FULL_TIME


def set_cycle(membership, half_days: int, *, actor=None, request=None) -> WorkCycle:
    with transaction.atomic():
        cycle, _created = WorkCycle.objects.update_or_create(
            membership=membership, defaults={"organisation": membership.organisation, "half_days": half_days}
        )
        record("leave.cycle", actor=actor, organisation=membership.organisation, target=membership, data={"half_days": half_days}, request=request)
    return cycle


def mode_for(organisation, leave_type) -> str:
    """How a type's days are counted: paid leave in the organisation's mode (jours ouvrables, the
    Code du travail's unit, or jours ouvrés); every other type (RTT, récupération, unpaid or family
    leave) in the days the person works, Monday to Friday (a day of RTT off is one day, never the
    Saturday after it too)."""
    conf = settings_for(organisation)
    return conf.counting_mode if leave_type is None or leave_type.is_paid_leave else CountingMode.WORKING_DAYS


def _count(membership, start_date, start_half, end_date, end_half, leave_type=None) -> tuple[Decimal, Decimal]:
    """(days, days outside 1 May – 31 October) of a request for this person. Public holidays and
    the days the whole organisation is closed (``closures``) are not counted."""
    conf = settings_for(membership.organisation)
    holidays = counting.holidays_between(start_date - timedelta(days=7), end_date + timedelta(days=7), conf.alsace_moselle)
    holidays |= frozenset(closed_days(membership.organisation, start_date - timedelta(days=7), end_date + timedelta(days=7)))
    kwargs = {"mode": mode_for(membership.organisation, leave_type), "cycle": cycle_of(membership), "holidays": holidays}
    days = counting.count_days(start_date, start_half, end_date, end_half, **kwargs)
    outside = counting.days_outside_main_period(start_date, start_half, end_date, end_half, **kwargs)
    return days, outside


def count_request(membership, leave_type, start_date: date, start_half: str, end_date: date, end_half: str) -> Decimal:
    """How many days the request costs this person (their cycle, the organisation's mode and holidays)."""
    return _count(membership, start_date, start_half, end_date, end_half, leave_type)[0]


def balance(membership, leave_type) -> Decimal:
    """The ledger's sum for this person and leave type."""
    total = LedgerEntry.objects.filter(membership=membership, leave_type=leave_type).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


def pending_days(membership, leave_type) -> Decimal:
    """The days held by this person's requests of this type that are sent and not yet decided."""
    held = PendingRequest.objects.filter(membership=membership, leave_type=leave_type)
    return (held.aggregate(total=Sum("days"))["total"] or ZERO).quantize(Decimal("0.01"))


def _lock_person(membership) -> None:
    """Take the person's leave lock until the end of the transaction: their membership row, locked
    for update. Sending a request, the final approval and a correction take it before they read the
    balance, so they run one after the other for one person (PostgreSQL; on SQLite every
    transaction is IMMEDIATE and already holds the database's write lock). Take it before writing
    to the audit log: ``record()`` locks the log's head until commit, and a transaction holding it
    while waiting for this lock would wait for one that holds this lock and waits for the head.
    FOR NO KEY UPDATE, not FOR UPDATE: it still excludes the other takers of this lock, but not a
    row that merely points at the membership (a ledger entry, a booking, a role: a foreign key's
    check takes FOR KEY SHARE). With FOR UPDATE, a transaction holding the audit head and adding
    such a row waited for this lock's holder, itself waiting for the head: PostgreSQL's « deadlock
    detected » with many people writing at once (issue 14; audit/tests/test_lock_order.py)."""
    from maillon.accounts.models import Membership

    list(Membership.objects.select_for_update(no_key=True).filter(pk=membership.pk).values_list("pk", flat=True))


def lock_person_of(organisation_id: int, user_id: int) -> None:
    """``_lock_person`` by organisation and user (the procedures app takes it before an approval's
    signature, see ``_lock_person``)."""
    from maillon.accounts.models import Membership

    list(Membership.objects.select_for_update(no_key=True).filter(organisation_id=organisation_id, user_id=user_id).values_list("pk", flat=True))


DAYS_FIELD = DecimalField(max_digits=6, decimal_places=2)


def _reliquat_annotations(membership, today: date) -> dict:
    """For a LeaveType query: the days left of the person's live reliquat (the first to expire that
    still has days) and its date, as ``reliquats()`` computes them, in subqueries of the same query."""
    zero = Value(ZERO, output_field=DAYS_FIELD)
    of_carry = {"membership": membership, "leave_type": OuterRef("leave_type")}
    expired = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.EXPIRY, **of_carry).values("period_key")
    # Leave starting after the carried period's end (kept in the carry-over's start_date) and by its expiry uses it first.
    taken = (LedgerEntry.objects.filter(kind__in=[LedgerEntry.Kind.DEBIT, LedgerEntry.Kind.CANCEL], start_date__gt=OuterRef("start_date"),
                                        start_date__lte=OuterRef("expires_on"), **of_carry)
             .order_by().values("leave_type").annotate(total=Sum("amount")).values("total"))
    used = Greatest(zero, zero - Coalesce(Subquery(taken, output_field=DAYS_FIELD), zero), output_field=DAYS_FIELD)
    live = (LedgerEntry.objects.filter(membership=membership, leave_type=OuterRef("pk"), leave_type__is_paid_leave=True,
                                       kind=LedgerEntry.Kind.CARRYOVER, expires_on__gte=today)
            .exclude(period_key__in=expired)
            .annotate(left=ExpressionWrapper(F("reliquat") - used, output_field=DAYS_FIELD))
            .filter(left__gt=0).order_by("expires_on"))
    return {"reliquat_days": Subquery(live.values("left")[:1], output_field=DAYS_FIELD),
            "reliquat_expires_on": Subquery(live.values("expires_on")[:1], output_field=DateField())}


# balances() is on every dashboard: building and compiling its ORM query (the reliquat's nested
# subqueries) cost more CPU than running it. core.prepared compiles it once per process and shape,
# with stand-in values for the person, the organisation and the day, then runs it with the real ones.
def _balances_query(membership, organisation):
    held = (PendingRequest.objects.filter(membership_id=membership, leave_type=OuterRef("pk"))
            .order_by().values("leave_type").annotate(total=Sum("days")).values("total"))
    # The person's own ledger only, through the (membership, leave type) index: a join on the
    # type's entries filtered afterwards read every entry of the organisation (issue 14).
    ledger = (LedgerEntry.objects.filter(membership_id=membership, leave_type=OuterRef("pk"))
              .order_by().values("leave_type").annotate(total=Sum("amount")).values("total"))
    return LeaveType.objects.filter(organisation_id=organisation).active().annotate(
        total=Subquery(ledger, output_field=DAYS_FIELD), held=Subquery(held, output_field=DAYS_FIELD))


@prepared(membership=-730_001, organisation=-730_002)
def _balances(membership, organisation):
    return _balances_query(membership, organisation)


@prepared(membership=-730_001, organisation=-730_002, today=date(1901, 2, 3))
def _balances_with_reliquat(membership, organisation, today):
    return _balances_query(membership, organisation).annotate(**_reliquat_annotations(membership, today))


def balances(membership, *, with_reliquat: bool = False) -> list[dict]:
    """Every active type with the person's ``balance``, the days ``pending`` in requests awaiting a
    decision and the ``available`` balance (the first minus the second), in one query.
    ``with_reliquat``: each row also gets ``reliquat`` (``{"days", "expires_on"}`` as ``reliquats()``
    gives it, or None), in the same query."""
    def fetch():
        if with_reliquat:
            return list(_balances_with_reliquat(membership=membership.pk, organisation=membership.organisation_id, today=timezone.localdate()))
        return list(_balances(membership=membership.pk, organisation=membership.organisation_id))

    types = fetch()
    if types:
        membership.organisation._leave_types_ensured = True
    elif not getattr(membership.organisation, "_leave_types_ensured", False):
        types = list(leave_types(membership.organisation)) and fetch()
    rows = []
    for t in types:
        total, held = (t.total or ZERO).quantize(Decimal("0.01")), (t.held or ZERO).quantize(Decimal("0.01"))
        rows.append({"type": t, "balance": total, "pending": held, "available": total - held})
    if with_reliquat:
        for row in rows:
            t = row["type"]
            days, expires_on = t.reliquat_days, t.reliquat_expires_on
            row["reliquat"] = {"days": days.quantize(Decimal("0.01")), "expires_on": expires_on} if days else None
    return rows


def validate_request(membership, leave_type, start_date, start_half, end_date, end_half, *, today: date | None = None,
                     current: Decimal | None = None, pending: Decimal | None = None) -> Decimal:
    """Check a request before it is signed; returns its days or raises ValidationError on the field.
    A type that refuses a negative balance refuses more days than the available balance (the
    balance minus the days of the person's requests awaiting a decision). ``current`` and
    ``pending``: the balance and the pending days when the caller already has them (saves queries)."""
    today = today or timezone.localdate()
    if leave_type.organisation_id != membership.organisation_id or not leave_type.is_active:
        raise ValidationError({"leave_type": _("Choose a leave type from the list.")})
    if start_half not in Half.values or end_half not in Half.values:
        raise ValidationError({"start_half": _("Choose morning or afternoon.")})
    if (end_date, end_half) < (start_date, start_half):
        raise ValidationError({"end_date": _("The end of the leave is before its start.")})
    if (end_date - start_date).days > 366:
        raise ValidationError({"end_date": _("A leave request cannot cover more than a year.")})
    if leave_type.notice_days and (start_date - today).days < leave_type.notice_days:
        raise ValidationError({"start_date": _("This leave must be requested at least %(days)s days in advance.") % {"days": leave_type.notice_days}})
    days = count_request(membership, leave_type, start_date, start_half, end_date, end_half)
    if days == 0:
        raise ValidationError({"end_date": _("These dates contain no day you work (weekends, public holidays or your work cycle).")})
    if leave_type.refuses_negative:
        current = balance(membership, leave_type) if current is None else current
        pending = pending_days(membership, leave_type) if pending is None else pending
        if current - pending - days < 0:
            raise ValidationError({"end_date": shortfall_message(days, current, pending)})
    return days


def shortfall_message(days: Decimal, current: Decimal, pending: Decimal) -> str:
    """Why a request is refused when it is sent: the numbers, in French."""
    if pending:
        return _("This request needs %(days)s days but only %(available)s days are available: your balance is %(balance)s days, "
                 "of which %(pending)s days are held by your requests awaiting a decision.") % {
            "days": format_days(days), "available": format_days(current - pending), "balance": format_days(current),
            "pending": format_days(pending)}
    return _("This request needs %(days)s days but your balance is %(balance)s days.") % {
        "days": format_days(days), "balance": format_days(current)}


@transaction.atomic
def hold_request(*, membership, leave_type, start_date, start_half, end_date, end_half, reference: str) -> PendingRequest | None:
    """A request is sent: under the person's lock, check the available balance again (the checks
    before signing ran without it) and hold the request's days until it is decided. Raises
    ValidationError (a French message) when a type that refuses a negative balance would go below
    zero. Idempotent per reference: a request sent again after changes replaces its hold. None for a
    type not counted against a balance (nothing to hold)."""
    if leave_type.organisation_id != membership.organisation_id:
        raise ValidationError({"leave_type": _("Choose a leave type from the list.")})
    _lock_person(membership)
    PendingRequest.objects.filter(organisation_id=membership.organisation_id, reference=reference).delete()
    if not leave_type.counts_against_balance:
        return None
    days = count_request(membership, leave_type, start_date, start_half, end_date, end_half)
    if leave_type.refuses_negative:
        current, pending = balance(membership, leave_type), pending_days(membership, leave_type)
        if current - pending - days < 0:
            raise ValidationError(shortfall_message(days, current, pending), code="balance")
    return PendingRequest.objects.create(
        organisation_id=membership.organisation_id, membership=membership, leave_type=leave_type, days=days,
        start_date=start_date, start_half=start_half, end_date=end_date, end_half=end_half, reference=reference,
    )


def release_request(reference: str, *, organisation) -> int:
    """The request is no longer awaiting a decision (rejected, withdrawn, sent back for changes):
    its days are no longer held. Returns how many holds were removed (0 or 1)."""
    deleted, _detail = PendingRequest.objects.filter(organisation=organisation, reference=reference).delete()
    return deleted


def format_days(value: Decimal) -> str:
    value = Decimal(value).normalize()
    text = f"{value:f}".replace(".", ",")
    return text


@transaction.atomic
def record_approved_request(*, membership, leave_type, start_date, start_half, end_date, end_half, reference: str, actor, request=None) -> LedgerEntry:
    """Debit an approved request (amount 0 for a type not counted against a balance, so the
    absence is still known) and release its hold. Idempotent: a second call with the same reference
    returns the first entry. Under the person's lock, the balance is read again: when it no longer
    covers the request, a type that refuses a negative balance raises ValidationError (a French
    message for the approver, nothing written); a type that allows it is debited, audited and HR is told."""
    if leave_type.organisation_id != membership.organisation_id:
        raise ValidationError({"leave_type": _("Choose a leave type from the list.")})
    _lock_person(membership)
    existing = LedgerEntry.objects.filter(organisation_id=membership.organisation_id, reference=reference, kind=LedgerEntry.Kind.DEBIT).first()
    if existing is not None:
        return existing
    days, outside = _count(membership, start_date, start_half, end_date, end_half, leave_type)
    before = balance(membership, leave_type) if leave_type.counts_against_balance and days else None
    overdrawn = before is not None and before - days < 0
    if overdrawn and leave_type.refuses_negative:
        raise ValidationError(_(
            "This leave cannot be approved: it needs %(days)s days of %(type)s but the balance of %(person)s is now %(balance)s days, "
            "and this leave type does not allow a negative balance. Reject the request, or ask HR to correct the balance first."
        ) % {"days": format_days(days), "type": leave_type.name, "person": membership.user, "balance": format_days(before)}, code="balance")
    entry = LedgerEntry(
        organisation_id=membership.organisation_id, membership=membership, leave_type=leave_type, kind=LedgerEntry.Kind.DEBIT,
        amount=-days if leave_type.counts_against_balance else ZERO,
        start_date=start_date, start_half=start_half, end_date=end_date, end_half=end_half,
        days_outside_main_period=outside if leave_type.is_paid_leave else ZERO,
        reference=reference, created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # a concurrent call recorded it first
        return LedgerEntry.objects.get(organisation_id=membership.organisation_id, reference=reference, kind=LedgerEntry.Kind.DEBIT)
    PendingRequest.objects.filter(organisation_id=membership.organisation_id, reference=reference).delete()
    record("leave.debit", actor=actor, organisation=membership.organisation, target=entry, request=request, data={
        "membership": membership.pk, "leave_type": leave_type.code, "days": str(days), "reference": reference,
        "from": f"{start_date} {start_half}", "to": f"{end_date} {end_half}",
    })
    if overdrawn:
        _warn_hr(entry, membership, leave_type, before, days, actor=actor, request=request)
    if leave_type.is_paid_leave:
        update_fractionnement(membership, leave_type, start_date, actor=actor)
    return entry


def _warn_hr(entry: LedgerEntry, membership, leave_type, before: Decimal, days: Decimal, *, actor, request=None) -> None:
    """An approved leave took a balance below zero (its type allows it): audited, and every HR
    member of the organisation is notified after commit."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from maillon.accounts.models import User
    from maillon.accounts.roles import Role
    from maillon.notifications.services import notify

    organisation = membership.organisation
    after = before - days
    record("leave.negative_balance", actor=actor, organisation=organisation, target=entry, request=request, data={
        "membership": membership.pk, "leave_type": leave_type.code, "days": str(days), "balance_before": str(before),
        "balance_after": str(after), "reference": entry.reference})
    hr = list(User.objects.filter(is_active=True, memberships__organisation=organisation, memberships__is_active=True,
                                  memberships__role_assignments__role=Role.HR).distinct())
    title = _("Negative balance: %(type)s of %(person)s at %(balance)s days") % {
        "type": leave_type.name, "person": membership.user, "balance": format_days(after)}
    body = _("A leave of %(days)s days from %(start)s to %(end)s was approved while the balance was %(before)s days; "
             "this leave type allows a negative balance.") % {
        "days": format_days(days), "start": entry.start_date.strftime("%d/%m/%Y"), "end": entry.end_date.strftime("%d/%m/%Y"),
        "before": format_days(before)}
    url = reverse("leave:entries", kwargs={"org": organisation.slug}) + "?" + urlencode({"q": membership.user.username})

    def send():
        for user in hr:
            notify(user, title, body=body, url=url, organisation=organisation, kind="leave.balance")

    transaction.on_commit(send)


@transaction.atomic
def cancel_request(reference: str, actor, *, organisation=None, request=None) -> LedgerEntry | None:
    """Credit back an approved request. Idempotent; None when nothing was debited under that reference."""
    debits = LedgerEntry.objects.filter(reference=reference, kind=LedgerEntry.Kind.DEBIT).select_related("membership__organisation", "leave_type")
    if organisation is not None:
        debits = debits.filter(organisation=organisation)
    debit = debits.first()
    if debit is None:
        return None
    existing = LedgerEntry.objects.filter(organisation_id=debit.organisation_id, reference=reference, kind=LedgerEntry.Kind.CANCEL).first()
    if existing is not None:
        return existing
    entry = LedgerEntry(
        organisation_id=debit.organisation_id, membership=debit.membership, leave_type=debit.leave_type, kind=LedgerEntry.Kind.CANCEL,
        amount=-debit.amount, start_date=debit.start_date, start_half=debit.start_half, end_date=debit.end_date,
        end_half=debit.end_half, days_outside_main_period=-debit.days_outside_main_period, reference=reference,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return LedgerEntry.objects.get(organisation_id=debit.organisation_id, reference=reference, kind=LedgerEntry.Kind.CANCEL)
    record("leave.cancel", actor=actor, organisation=debit.membership.organisation, target=entry, request=request,
           data={"membership": debit.membership_id, "leave_type": debit.leave_type.code, "days": str(entry.amount), "reference": reference})
    if debit.leave_type.is_paid_leave:
        update_fractionnement(debit.membership, debit.leave_type, debit.start_date, actor=actor)
    return entry


def update_fractionnement(membership, leave_type, day: date, *, actor=None) -> LedgerEntry | None:
    """Bring the fractionnement days of the reference period containing ``day`` to what the
    rule grants, with one new entry for the difference (or none)."""
    conf = settings_for(membership.organisation)
    start, end = counting.reference_period(day, conf.period_start_month)
    key = str(start.year)
    entries = LedgerEntry.objects.filter(membership=membership, leave_type=leave_type)
    outside = entries.filter(kind__in=[LedgerEntry.Kind.DEBIT, LedgerEntry.Kind.CANCEL], start_date__gte=start, start_date__lte=end).aggregate(
        total=Sum("days_outside_main_period"))["total"] or ZERO
    # Only the main leave (four weeks) counts, not the fifth week.
    main_leave = Decimal(24 if conf.counting_mode == CountingMode.BUSINESS_DAYS else 20)
    target = Decimal(counting.fractionnement_days(min(outside, main_leave)))
    granted = entries.filter(kind=LedgerEntry.Kind.FRACTIONNEMENT, period_key=key).aggregate(total=Sum("amount"))["total"] or ZERO
    if target == granted:
        return None
    entry = LedgerEntry.objects.create(
        organisation_id=membership.organisation_id, membership=membership, leave_type=leave_type, kind=LedgerEntry.Kind.FRACTIONNEMENT,
        amount=target - granted, period_key=key, created_by=actor if getattr(actor, "pk", None) else None,
        reason=_("%(days)s days of main leave taken outside 1 May – 31 October") % {"days": format_days(outside)},
    )
    record("leave.fractionnement", actor=actor, organisation=membership.organisation, target=entry,
           data={"membership": membership.pk, "days": str(entry.amount), "period": key})
    return entry


@transaction.atomic
def add_correction(*, membership, leave_type, amount: Decimal, reason: str, actor, request=None) -> LedgerEntry:
    if leave_type.organisation_id != membership.organisation_id:
        raise ValidationError({"leave_type": _("Choose a leave type from the list.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    if amount == 0:
        raise ValidationError({"amount": _("A correction of 0 days changes nothing.")})
    _lock_person(membership)  # an approval running now reads the balance after this correction
    entry = LedgerEntry.objects.create(
        organisation_id=membership.organisation_id, membership=membership, leave_type=leave_type, kind=LedgerEntry.Kind.CORRECTION,
        amount=amount, reason=reason.strip(), created_by=actor,
    )
    record("leave.correction", actor=actor, organisation=membership.organisation, target=entry, request=request,
           data={"membership": membership.pk, "leave_type": leave_type.code, "days": str(amount), "reason": reason.strip()})
    return entry


def accrue_month(organisation, month: date, *, actor=None) -> int:
    """Credit the month's paid leave (the month containing ``month``) to every active member,
    for every type acquired monthly. Idempotent: one accrual per person, type and month."""
    from maillon.accounts.models import Membership

    conf = settings_for(organisation)
    period_start, _end = counting.reference_period(month, conf.period_start_month)
    index = (month.year - period_start.year) * 12 + month.month - period_start.month + 1
    amount = counting.monthly_accrual(YEARLY_ENTITLEMENT[conf.counting_mode], index)
    key = f"{month.year:04d}-{month.month:02d}"
    types = list(leave_types(organisation).filter(accrues_monthly=True))
    members = list(Membership.objects.for_organisation(organisation).active().values_list("pk", flat=True))
    if not types or not members:
        return 0
    done = set(LedgerEntry.objects.for_organisation(organisation).filter(kind=LedgerEntry.Kind.ACCRUAL, period_key=key).values_list("membership_id", "leave_type_id"))
    rows = [
        LedgerEntry(organisation=organisation, membership_id=member, leave_type=t, kind=LedgerEntry.Kind.ACCRUAL, amount=amount,
                    period_key=key, reason=_("Paid leave acquired in %(month)s") % {"month": key})
        for t in types for member in members if (member, t.pk) not in done
    ]
    with transaction.atomic():
        LedgerEntry.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        if rows:
            record("leave.accrual", actor=actor, organisation=organisation, data={"month": key, "entries": len(rows), "days": str(amount)})
    return len(rows)


def accrue_all(today: date | None = None) -> int:
    """The monthly job: credit the month that just started's accrual in every organisation."""
    from maillon.organisations.models import Organisation

    today = today or timezone.localdate()
    return sum(accrue_month(organisation, today) for organisation in Organisation.objects.filter(is_active=True))


@dataclass
class ImportLine:
    number: int
    ok: bool
    message: str


def import_opening_balances(organisation, data: bytes | str, *, actor, request=None) -> list[ImportLine]:
    """CSV ``login;type;days[;comment]`` (comma or semicolon, a header line is skipped).
    Each line is its own result; good lines are recorded even when others fail."""
    from maillon.accounts.models import Membership

    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    types = {t.code: t for t in leave_types(organisation)}
    members = {}
    for m in Membership.objects.for_organisation(organisation).active().select_related("user"):
        members[m.user.username.lower()] = m
        if m.user.email:
            members[m.user.email.lower()] = m
    already = set(LedgerEntry.objects.for_organisation(organisation).filter(kind=LedgerEntry.Kind.OPENING).values_list("membership_id", "leave_type_id"))
    report: list[ImportLine] = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in {"login", "identifiant", "username", "email", "e-mail", "personne"}:
            continue
        if len(cells) < 3:
            report.append(ImportLine(number, False, _("Expected: login; leave type; days.")))
            continue
        who, code, raw = cells[0].lower(), cells[1].lower(), cells[2].replace(",", ".").replace(" ", "")
        membership = members.get(who)
        if membership is None:
            report.append(ImportLine(number, False, _("Nobody with the login or e-mail « %(who)s » in this organisation.") % {"who": cells[0]}))
            continue
        leave_type = types.get(code)
        if leave_type is None:
            report.append(ImportLine(number, False, _("Unknown leave type « %(code)s » (expected one of: %(codes)s).") % {
                "code": cells[1], "codes": ", ".join(sorted(types))}))
            continue
        try:
            amount = Decimal(raw)
            if amount != amount.quantize(Decimal("0.01")) or abs(amount) > 999:
                raise InvalidOperation
        except InvalidOperation:
            report.append(ImportLine(number, False, _("« %(value)s » is not a number of days.") % {"value": cells[2]}))
            continue
        if (membership.pk, leave_type.pk) in already:
            report.append(ImportLine(number, False, _("%(person)s already has an opening balance for %(type)s: add a correction instead.") % {
                "person": membership.user, "type": leave_type.name}))
            continue
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                organisation=organisation, membership=membership, leave_type=leave_type, kind=LedgerEntry.Kind.OPENING,
                amount=amount, reason=(cells[3] if len(cells) > 3 else "")[:300], created_by=actor,
            )
            record("leave.opening", actor=actor, organisation=organisation, target=entry, request=request,
                   data={"membership": membership.pk, "leave_type": code, "days": str(amount)})
        already.add((membership.pk, leave_type.pk))
        report.append(ImportLine(number, True, _("%(person)s: %(days)s days of %(type)s.") % {
            "person": membership.user, "days": format_days(amount), "type": leave_type.name}))
    return report


def _bounds(start_date: date, start_half: str, end_date: date, end_half: str) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(start_date, time(12) if start_half == Half.AFTERNOON else time(0), zone)
    end = datetime.combine(end_date, time(12), zone) if end_half == Half.MORNING else datetime.combine(end_date + timedelta(days=1), time(0), zone)
    return start, end


def absences_between(organisation, start: date | datetime, end: date | datetime) -> list[tuple[int, datetime, datetime]]:
    """Approved, not cancelled leave overlapping [start, end] (dates, inclusive; aware datetimes
    are taken as their local date): ``[(user_id, start_datetime, end_datetime)]``, ordered by start."""
    if isinstance(start, datetime):
        start = timezone.localtime(start).date() if timezone.is_aware(start) else start.date()
    if isinstance(end, datetime):
        end = timezone.localtime(end).date() if timezone.is_aware(end) else end.date()
    if organisation is None:
        return []
    rows = _absences(organisation=organisation.pk, start=start, end=end)
    return [(user_id, *_bounds(sd, sh, ed, eh)) for user_id, sd, sh, ed, eh in rows]


@prepared(organisation=-730_101, start=date(1901, 3, 4), end=date(1901, 3, 5))
def _absences(organisation, start, end):
    """``absences_between``'s rows (compiled once per process: the staff directory's presence reads them at each request)."""
    cancelled = LedgerEntry.objects.filter(organisation=organisation, kind=LedgerEntry.Kind.CANCEL, reference=OuterRef("reference"))
    return (
        LedgerEntry.objects.filter(organisation=organisation)
        .filter(Q(kind=LedgerEntry.Kind.DEBIT), start_date__lte=end, end_date__gte=start)
        .exclude(Exists(cancelled))
        .order_by("start_date", "start_half", "membership_id")
        .values_list("membership__user_id", "start_date", "start_half", "end_date", "end_half")
    )


# ---------------------------------------------------------------- carry-over (« reliquat ») and expiry
#
# French practice (Code du travail L3141-13 and following): paid leave acquired during a reference
# period (1 June – 31 May by default) is to be taken during the following year; what is not taken
# is lost unless the employer or an agreement allows a carry-over (« report », « reliquat »). The
# seeds ask for « solde de congé payé mis à jour automatiquement » and say nothing more, so Maillon
# carries the leftover over by default for the whole next period (``carryover_months = 12``: until
# 31 May of the next period with the default period) and lets the organisation shorten it (0: lost
# at the end of the period). Since Maillon credits leave as it is acquired (2.5 or 25/12 days a
# month, usable at once), the leftover at the end of a period is what the person did not take.
#
# The ledger stays append-only and the balance stays the ledger's sum: the carry-over entry has
# amount 0 and records the ``reliquat`` and its ``expires_on`` date; leave taken after the end of the
# period uses the reliquat first; on the day after ``expires_on`` the periodic job writes an expiry
# entry debiting what is left of it (never more than the balance).


def _add_months(day: date, months: int) -> date:
    """The last day of the month ``months`` after ``day``'s month (``day`` is a month's last day)."""
    month_index = day.year * 12 + day.month - 1 + months + 1
    first_of_next = date(month_index // 12, month_index % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _belongs_before(entry: dict, start: date, end: date) -> bool:
    """Is this entry (a ``values()`` row) part of the balance at the end of the period ``start``–``end``?"""
    kind = entry["kind"]
    if kind == LedgerEntry.Kind.ACCRUAL:
        return entry["period_key"] <= f"{end.year:04d}-{end.month:02d}"
    if kind in (LedgerEntry.Kind.DEBIT, LedgerEntry.Kind.CANCEL):
        return entry["start_date"] is None or entry["start_date"] <= end
    if kind == LedgerEntry.Kind.FRACTIONNEMENT:
        return entry["period_key"] <= str(start.year)
    if kind in (LedgerEntry.Kind.EXPIRY, LedgerEntry.Kind.CARRYOVER):
        return entry["expires_on"] is not None and entry["expires_on"] <= end
    return timezone.localtime(entry["created_at"]).date() <= end  # opening balances, corrections


def _reliquat_left(carry: dict, entries: list[dict]) -> Decimal:
    """What is left of a carried-over reliquat: leave starting after the period's end (and by the
    expiry date) uses it first."""
    period_end = _period_end_of(carry)
    used = -sum((e["amount"] for e in entries if e["kind"] in (LedgerEntry.Kind.DEBIT, LedgerEntry.Kind.CANCEL)
                 and e["start_date"] is not None and period_end < e["start_date"] <= carry["expires_on"]), ZERO)
    return max(ZERO, carry["reliquat"] - max(ZERO, used))


def _period_end_of(carry: dict) -> date:
    # A carry-over entry keeps the last day of the period it comes from in ``start_date``.
    return carry["start_date"]


ENTRY_FIELDS = ("id", "membership_id", "leave_type_id", "kind", "amount", "start_date", "period_key", "expires_on", "reliquat", "created_at")


def _entries_by_person(organisation, leave_type) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    for entry in LedgerEntry.objects.for_organisation(organisation).filter(leave_type=leave_type).values(*ENTRY_FIELDS):
        rows.setdefault(entry["membership_id"], []).append(entry)
    return rows


def expire_reliquats(organisation, today: date | None = None, *, actor=None) -> int:
    """Write the expiry entry of every reliquat whose date has passed (idempotent). Returns how many."""
    today = today or timezone.localdate()
    created = 0
    for leave_type in LeaveType.objects.for_organisation(organisation).filter(is_paid_leave=True):
        by_person = _entries_by_person(organisation, leave_type)
        for membership_id, entries in by_person.items():
            expired_keys = {e["period_key"] for e in entries if e["kind"] == LedgerEntry.Kind.EXPIRY}
            for carry in (e for e in entries if e["kind"] == LedgerEntry.Kind.CARRYOVER):
                if carry["expires_on"] >= today or carry["period_key"] in expired_keys:
                    continue
                balance_now = sum((e["amount"] for e in entries), ZERO)
                lost = min(_reliquat_left(carry, entries), max(ZERO, balance_now))
                if lost <= 0:
                    continue
                entry = LedgerEntry(
                    organisation=organisation, membership_id=membership_id, leave_type=leave_type, kind=LedgerEntry.Kind.EXPIRY,
                    amount=-lost, period_key=carry["period_key"], expires_on=carry["expires_on"],
                    reason=_("Reliquat not taken by %(date)s") % {"date": carry["expires_on"].strftime("%d/%m/%Y")},
                )
                try:
                    with transaction.atomic():
                        entry.save()
                except IntegrityError:  # another worker wrote it first
                    continue
                record("leave.expiry", actor=actor, organisation=organisation, target=entry,
                       data={"membership": membership_id, "leave_type": leave_type.code, "days": str(entry.amount), "period": carry["period_key"]})
                entries.append({f: getattr(entry, f) for f in ENTRY_FIELDS})
                created += 1
    return created


def carryover_entry(organisation, membership_id, leave_type, days, period_start: date, period_end: date, expires_on: date) -> LedgerEntry:
    """The (unsaved) carry-over entry of ``days`` left at the end of ``period_start``–``period_end``."""
    return LedgerEntry(
        organisation=organisation, membership_id=membership_id, leave_type=leave_type, kind=LedgerEntry.Kind.CARRYOVER,
        amount=ZERO, reliquat=days, start_date=period_end, expires_on=expires_on, period_key=str(period_start.year),
        reason=_("Leftover of the period %(start)s – %(end)s") % {"start": period_start.strftime("%d/%m/%Y"), "end": period_end.strftime("%d/%m/%Y")},
    )


def carry_over(organisation, today: date | None = None, *, actor=None) -> int:
    """At the start of a reference period, record the reliquat of every member for the period that
    just ended (paid leave types; idempotent, one carry-over per person, type and period)."""
    from maillon.accounts.models import Membership

    today = today or timezone.localdate()
    conf = settings_for(organisation)
    current_start, _end = counting.reference_period(today, conf.period_start_month)
    ended_end = current_start - timedelta(days=1)
    ended_start, _same = counting.reference_period(ended_end, conf.period_start_month)
    key = str(ended_start.year)
    expires_on = _add_months(ended_end, conf.carryover_months or 0)
    members = set(Membership.objects.for_organisation(organisation).values_list("pk", flat=True))
    created = 0
    for leave_type in LeaveType.objects.for_organisation(organisation).filter(is_paid_leave=True):
        for membership_id, entries in _entries_by_person(organisation, leave_type).items():
            if membership_id not in members or any(e["kind"] == LedgerEntry.Kind.CARRYOVER and e["period_key"] == key for e in entries):
                continue
            leftover = sum((e["amount"] for e in entries if _belongs_before(e, ended_start, ended_end)), ZERO)
            if leftover <= 0:
                continue
            entry = carryover_entry(organisation, membership_id, leave_type, leftover, ended_start, ended_end, expires_on)
            try:
                with transaction.atomic():
                    entry.save()
            except IntegrityError:
                continue
            record("leave.carryover", actor=actor, organisation=organisation, target=entry,
                   data={"membership": membership_id, "leave_type": leave_type.code, "days": str(leftover), "expires_on": expires_on.isoformat()})
            created += 1
    return created


def period_change(organisation, today: date | None = None, *, actor=None) -> dict:
    """The periodic work at a period's change: expire the reliquats due, carry the leftover of the
    period that ended over, then expire again (a reliquat of 0 months expires at once)."""
    expired = expire_reliquats(organisation, today, actor=actor)
    carried = carry_over(organisation, today, actor=actor)
    expired += expire_reliquats(organisation, today, actor=actor)
    return {"carried": carried, "expired": expired}


def period_change_all(today: date | None = None) -> int:
    from maillon.organisations.models import Organisation

    return sum(sum(period_change(organisation, today).values()) for organisation in Organisation.objects.filter(is_active=True))


def reliquats(membership) -> dict[int, dict]:
    """The live reliquat of each paid leave type of this person: ``{type id: {"days", "expires_on"}}`` (one query)."""
    today = timezone.localdate()
    rows: dict[int, list[dict]] = {}
    for entry in LedgerEntry.objects.filter(membership=membership, leave_type__is_paid_leave=True).values(*ENTRY_FIELDS):
        rows.setdefault(entry["leave_type_id"], []).append(entry)
    found = {}
    for type_id, entries in rows.items():
        expired = {e["period_key"] for e in entries if e["kind"] == LedgerEntry.Kind.EXPIRY}
        for carry in sorted((e for e in entries if e["kind"] == LedgerEntry.Kind.CARRYOVER), key=lambda e: e["expires_on"]):
            if carry["period_key"] in expired or carry["expires_on"] < today:
                continue
            left = _reliquat_left(carry, entries)
            if left > 0:
                found[type_id] = {"days": left, "expires_on": carry["expires_on"]}
                break
    return found
