"""Carry-over of paid leave at the end of the reference period (« reliquat »), its expiry by the
periodic job as append-only ledger entries, and the monthly accrual across a period change."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.leave import counting, services
from maillon.leave.models import CountingMode, LeaveType, LedgerEntry

REFERENCES = count(1)


def membership(user, org):
    return Membership.objects.get(user=user, organisation=org)


@pytest.fixture
def cp(org):
    services.ensure_default_types(org)
    return LeaveType.objects.get(organisation=org, code="cp")


@contextmanager
def recorded_on(day: date):
    """Entries written inside are recorded on ``day`` (noon, Paris): corrections and opening
    balances belong to the period in which they were recorded."""
    from django.utils import timezone

    moment = datetime.combine(day, time(12), timezone.get_default_timezone())
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def correct(m, leave_type, amount, day: date, reason="Solde initial"):
    with recorded_on(day):
        return services.add_correction(membership=m, leave_type=leave_type, amount=Decimal(amount), reason=reason, actor=None)


def accrue_period(org, first_month: date, months: int = 12):
    day = first_month
    for _ in range(months):
        services.accrue_month(org, day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def take(m, leave_type, start: date, days: int):
    """An approved leave of ``days`` days starting ``start`` (recorded as the procedures app does)."""
    return LedgerEntry.objects.create(
        organisation=m.organisation, membership=m, leave_type=leave_type, kind=LedgerEntry.Kind.DEBIT, amount=-Decimal(days),
        start_date=start, start_half="am", end_date=start + timedelta(days=days - 1), end_half="pm", reference=f"test:{next(REFERENCES)}",
    )


def test_the_leftover_becomes_a_reliquat_until_31_may_of_the_next_period_then_expires(people, cp, login):
    m = membership(people.owner, people.org)
    accrue_period(people.org, date(2025, 6, 1))  # 12 × 2.5 = 30 business days
    take(m, cp, date(2025, 8, 4), 10)
    assert services.balance(m, cp) == Decimal("20")

    assert services.period_change(people.org, date(2026, 6, 1)) == {"carried": 3, "expired": 0}  # the three members
    carry = LedgerEntry.objects.get(membership=m, kind=LedgerEntry.Kind.CARRYOVER)
    assert (carry.reliquat, carry.amount, carry.expires_on, carry.period_key) == (Decimal("20"), 0, date(2027, 5, 31), "2025")
    assert services.balance(m, cp) == Decimal("20")  # carrying over moves nothing: the balance is still the ledger's sum
    assert services.reliquats(m)[cp.pk] == {"days": Decimal("20"), "expires_on": date(2027, 5, 31)}
    page = login(people.owner).get("/essais/conges/").content.decode()
    assert "dont 20 jours de reliquat, à prendre avant le 31 mai 2027" in page
    assert "Reliquat reporté" in page

    accrue_period(people.org, date(2026, 6, 1))  # the next period's 30 days
    take(m, cp, date(2026, 9, 7), 5)  # uses the reliquat first
    assert services.reliquats(m)[cp.pk]["days"] == Decimal("15")
    assert services.period_change(people.org, date(2027, 5, 31)) == {"carried": 0, "expired": 0}  # still usable on 31 May

    result = services.period_change(people.org, date(2027, 6, 1))
    assert result == {"carried": 3, "expired": 3}
    expiry = LedgerEntry.objects.get(membership=m, kind=LedgerEntry.Kind.EXPIRY)
    assert expiry.amount == Decimal("-15") and expiry.period_key == "2025"
    assert services.balance(m, cp) == Decimal("30")  # 20 + 30 − 5 − 15 lost
    assert LedgerEntry.objects.get(membership=m, kind=LedgerEntry.Kind.CARRYOVER, period_key="2026").reliquat == Decimal("30")
    assert set(AuditEntry.objects.filter(action__in=["leave.carryover", "leave.expiry"]).values_list("action", flat=True)) == {
        "leave.carryover", "leave.expiry"}


def test_it_is_idempotent_and_append_only(people, cp):
    m = membership(people.owner, people.org)
    accrue_period(people.org, date(2025, 6, 1))
    services.period_change(people.org, date(2026, 6, 1))
    ids = list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount"))
    for _ in range(3):
        assert services.period_change(people.org, date(2026, 6, 2)) == {"carried": 0, "expired": 0}
    services.period_change(people.org, date(2027, 6, 1))
    services.period_change(people.org, date(2027, 6, 1))
    assert LedgerEntry.objects.filter(membership=m, kind=LedgerEntry.Kind.EXPIRY).count() == 1
    assert list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount"))[: len(ids)] == ids  # nothing changed, only added


def test_zero_months_loses_the_leftover_at_the_end_of_the_period(people, cp):
    settings_row = services.settings_for(people.org)
    settings_row.carryover_months = 0
    settings_row.save()
    m = membership(people.owner, people.org)
    accrue_period(people.org, date(2025, 6, 1))
    assert services.period_change(people.org, date(2026, 6, 1)) == {"carried": 3, "expired": 3}
    assert services.balance(m, cp) == 0 and services.reliquats(m) == {}


def test_nothing_is_carried_for_an_empty_or_negative_balance_nor_for_other_types(people, cp):
    m = membership(people.owner, people.org)
    rtt = LeaveType.objects.get(organisation=people.org, code="rtt")
    correct(m, rtt, "6", date(2025, 9, 1), reason="RTT")
    correct(m, cp, "2", date(2025, 9, 1))
    take(m, cp, date(2026, 2, 2), 4)
    services.period_change(people.org, date(2026, 6, 1))
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CARRYOVER).exists()


def test_an_expiry_never_takes_more_than_the_balance(people, cp):
    m = membership(people.owner, people.org)
    correct(m, cp, "10", date(2025, 3, 1))
    services.period_change(people.org, date(2025, 6, 1))  # period 2024-2025 ended: 10 carried
    correct(m, cp, "-8", date(2025, 9, 1), reason="Erreur de saisie")
    services.period_change(people.org, date(2026, 6, 1))
    assert LedgerEntry.objects.get(kind=LedgerEntry.Kind.EXPIRY).amount == Decimal("-2")
    assert services.balance(m, cp) == 0


def test_the_carry_over_belongs_to_its_organisation(people, cp):
    outsider = membership(people.outsider, people.other_org)
    services.ensure_default_types(people.other_org)
    their_cp = LeaveType.objects.get(organisation=people.other_org, code="cp")
    correct(outsider, their_cp, "5", date(2026, 1, 5))
    services.period_change(people.org, date(2026, 6, 1))
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CARRYOVER).exists()
    services.period_change(people.other_org, date(2026, 6, 1))
    assert LedgerEntry.objects.get(kind=LedgerEntry.Kind.CARRYOVER).membership == outsider


def test_settings_accept_0_to_12_months_in_french_and_only_for_admins(people, login, cp):
    admin = login(people.with_role(Role.ADMIN, sector_name=None))
    response = admin.post("/essais/conges/parametres/", {"counting_mode": "ouvrables", "period_start_month": "6", "carryover_months": "13"})
    html = response.content.decode()
    assert response.status_code == 200 and "Indiquez un nombre de mois entre 0 et 12." in html and 'value="13"' in html
    admin.post("/essais/conges/parametres/", {"counting_mode": "ouvrables", "period_start_month": "6", "carryover_months": "3"})
    assert services.settings_for(type(people.org).objects.get(pk=people.org.pk)).carryover_months == 3
    assert login(people.owner).post("/essais/conges/parametres/", {"carryover_months": "0"}).status_code == 403
    assert login(people.outsider).get("/essais/conges/parametres/").status_code == 404


# ---- properties ---------------------------------------------------------------------------

leaves = st.lists(st.tuples(st.integers(0, 729), st.integers(1, 6)), max_size=8)  # (day offset from 1 June 2025, days)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opening=st.integers(0, 40), taken=leaves, months=st.integers(0, 12))
def test_carry_over_and_expiry_against_a_day_by_day_account(people, opening, taken, months):
    """Whatever the leave taken over two periods: the reliquat is what was left at the end of the
    first period, leave after it uses the reliquat first, the expiry removes the rest (never more
    than the balance), and the balance is always the ledger's sum."""
    org = people.org
    conf = services.settings_for(org)
    conf.carryover_months = months
    conf.save()
    code = f"cp{next(REFERENCES)}"
    leave_type = LeaveType.objects.create(organisation=org, code=code, name=code, is_paid_leave=True)
    m = membership(people.owner, org)
    if opening:
        with recorded_on(date(2025, 6, 1)):
            LedgerEntry.objects.create(organisation=org, membership=m, leave_type=leave_type, kind=LedgerEntry.Kind.OPENING, amount=opening)
    start, end = date(2025, 6, 1), date(2026, 5, 31)
    for offset, days in taken:
        take(m, leave_type, start + timedelta(days=offset), days)
    first = [(start + timedelta(days=o), d) for o, d in taken if start + timedelta(days=o) <= end]
    second = [(start + timedelta(days=o), d) for o, d in taken if start + timedelta(days=o) > end]
    leftover = opening - sum(d for _s, d in first)

    services.period_change(org, date(2026, 6, 1))
    carry = LedgerEntry.objects.filter(leave_type=leave_type, kind=LedgerEntry.Kind.CARRYOVER).first()
    shown = next(row for row in services.balances(m, with_reliquat=True) if row["type"].pk == leave_type.pk)["reliquat"]
    assert shown == services.reliquats(m).get(leave_type.pk)  # the dashboard panel's query computes it like « Mes congés »
    expires = services._add_months(end, months)
    assert (carry.reliquat if carry else 0) == max(0, leftover)

    services.expire_reliquats(org, date(2027, 6, 1))
    used = sum(d for s, d in second if s <= expires)
    balance_before_expiry = opening - sum(d for _s, d in taken)
    expected_loss = max(0, min(max(0, leftover) - used, balance_before_expiry)) if leftover > 0 else 0
    expiry = LedgerEntry.objects.filter(leave_type=leave_type, kind=LedgerEntry.Kind.EXPIRY, period_key="2025").first()
    assert (-expiry.amount if expiry else 0) == expected_loss
    total = sum(LedgerEntry.objects.filter(leave_type=leave_type).values_list("amount", flat=True))
    assert services.balance(m, leave_type) == total == balance_before_expiry - expected_loss


@given(start_month=st.integers(1, 12), mode=st.sampled_from([CountingMode.BUSINESS_DAYS, CountingMode.WORKING_DAYS]),
       year=st.integers(2024, 2030))
def test_accrual_sums_to_the_yearly_entitlement_in_each_period_and_restarts_at_the_change(start_month, mode, year):
    """Twelve monthly credits of a period make exactly 30 (or 25) days; the month after the period
    is month 1 of the next one."""
    yearly = {CountingMode.BUSINESS_DAYS: 30, CountingMode.WORKING_DAYS: 25}[mode]
    first = date(year, start_month, 1)
    day, credits = first, []
    for _ in range(24):
        period_start, _end = counting.reference_period(day, start_month)
        index = (day.year - period_start.year) * 12 + day.month - period_start.month + 1
        credits.append(counting.monthly_accrual(yearly, index))
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    assert sum(credits[:12]) == sum(credits[12:]) == yearly
    assert credits[12] == credits[0]


def test_accrual_across_the_period_change_in_the_ledger(people, cp):
    """The job run month by month over two periods: 30 days per period, the leftover carried at the change."""
    m = membership(people.owner, people.org)
    day = date(2025, 6, 1)
    for _ in range(24):
        services.accrue_month(people.org, day)
        services.period_change(people.org, day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    accruals = LedgerEntry.objects.filter(membership=m, kind=LedgerEntry.Kind.ACCRUAL)
    assert sum(e.amount for e in accruals if e.period_key <= "2026-05") == 30
    assert sum(e.amount for e in accruals if e.period_key >= "2026-06") == 30
    carry = LedgerEntry.objects.get(membership=m, kind=LedgerEntry.Kind.CARRYOVER)
    assert carry.reliquat == 30 and carry.expires_on == date(2027, 5, 31)
    assert services.balance(m, cp) == 60
