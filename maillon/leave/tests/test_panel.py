"""The dashboard's « Mon solde de congés » panel: balances and the live reliquat with its date, as
« Mes congés » shows them, in the panel's one query."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.utils.formats import date_format

from maillon.accounts.models import Membership
from maillon.leave import services
from maillon.leave.models import LeaveType, LedgerEntry
from maillon.leave.panels import balance_panel
from maillon.testing import QueryCounter

REFERENCES = count(1)


def membership(user, org):
    return Membership.objects.with_roles().select_related("organisation").get(user=user, organisation=org)


@pytest.fixture
def cp(org):
    services.ensure_default_types(org)
    return LeaveType.objects.get(organisation=org, code="cp")


def carry(m, leave_type, days, *, period_end: date, expires_on: date, key: str):
    entry = services.carryover_entry(m.organisation, m.pk, leave_type, Decimal(days), period_end - timedelta(days=364), period_end, expires_on)
    entry.period_key = key
    entry.save()
    return entry


def take(m, leave_type, start: date, days: int, kind=LedgerEntry.Kind.DEBIT):
    sign = -1 if kind == LedgerEntry.Kind.DEBIT else 1
    return LedgerEntry.objects.create(
        organisation=m.organisation, membership=m, leave_type=leave_type, kind=kind, amount=sign * Decimal(days), start_date=start,
        start_half="am", end_date=start + timedelta(days=days - 1), end_half="pm", reference=f"panel:{next(REFERENCES)}",
    )


def panel_rows(m) -> dict:
    request = RequestFactory().get("/")
    request.membership = m
    return {row["type"].pk: row for row in balance_panel(request)["balances"]}


def test_the_panel_shows_the_reliquat_and_the_date_to_take_it_by(people, login, cp):
    m = membership(people.owner, people.org)
    today = timezone.localdate()
    services.add_correction(membership=m, leave_type=cp, amount=Decimal("22"), reason="Reprise", actor=None)
    expires = today + timedelta(days=45)
    carry(m, cp, "8", period_end=today - timedelta(days=30), expires_on=expires, key="2025")
    take(m, cp, today - timedelta(days=10), 3)  # after the carried period: uses the reliquat first
    page = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert "Mon solde de congés" in page and "19 jours" in page
    assert f"dont 5 jours de reliquat, à prendre avant le {date_format(expires, 'j F Y')}" in page
    # The same words as « Mes congés ».
    assert f"dont 5 jours de reliquat, à prendre avant le {date_format(expires, 'j F Y')}" in login(people.owner).get("/essais/conges/").content.decode()


def test_no_reliquat_line_without_a_live_reliquat(people, login, cp):
    m = membership(people.owner, people.org)
    today = timezone.localdate()
    services.add_correction(membership=m, leave_type=cp, amount=Decimal("10"), reason="Reprise", actor=None)
    carry(m, cp, "4", period_end=today - timedelta(days=400), expires_on=today - timedelta(days=1), key="2024")  # past its date
    carry(m, cp, "2", period_end=today - timedelta(days=30), expires_on=today + timedelta(days=30), key="2025")
    LedgerEntry.objects.create(organisation=m.organisation, membership=m, leave_type=cp, kind=LedgerEntry.Kind.EXPIRY, amount=-2,
                               period_key="2025", expires_on=today + timedelta(days=30))  # expired early by the job
    page = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert "Mon solde de congés" in page and "de reliquat" not in page
    assert panel_rows(m)[cp.pk]["reliquat"] is None


def test_the_panel_reliquat_is_the_one_of_my_leave_page(people, cp):
    """Scenarios against ``services.reliquats`` (what « Mes congés » computed before): used up, partly
    used, cancelled leave credited back, leave outside the window, two carry-overs, another person's."""
    m = membership(people.owner, people.org)
    other = membership(people.colleague, people.org)
    today = timezone.localdate()
    end = today - timedelta(days=60)
    first = carry(m, cp, "3", period_end=end - timedelta(days=365), expires_on=today + timedelta(days=10), key="2024")
    second = carry(m, cp, "6.5", period_end=end, expires_on=today + timedelta(days=200), key="2025")
    carry(other, cp, "9", period_end=end, expires_on=today + timedelta(days=200), key="2025")
    expected = []
    steps = [
        lambda: None,
        lambda: take(m, cp, end - timedelta(days=5), 2),  # before the second period's end: uses the first only
        lambda: take(m, cp, first.start_date + timedelta(days=3), 2),  # the first is used up: the second shows
        lambda: take(m, cp, first.start_date - timedelta(days=3), 1),  # before both periods' ends: no reliquat used
        lambda: take(m, cp, end + timedelta(days=3), 4),  # the second: 6.5 − 4
        lambda: take(m, cp, end + timedelta(days=3), 1, kind=LedgerEntry.Kind.CANCEL),  # one day credited back
        lambda: take(m, cp, second.expires_on + timedelta(days=1), 5),  # after its date: not the reliquat's
        lambda: take(other, cp, end + timedelta(days=3), 5),  # someone else's leave
    ]
    for step in steps:
        step()
        wanted = services.reliquats(m).get(cp.pk)
        got = panel_rows(m)[cp.pk]["reliquat"]
        assert got == wanted, (got, wanted)
        expected.append(got and got["days"])
    assert expected == [Decimal("3"), Decimal("1"), Decimal("6.5"), Decimal("6.5"), Decimal("2.5"), Decimal("3.5"), Decimal("3.5"), Decimal("3.5")]


def test_the_panel_stays_one_query_with_reliquats(people, cp):
    m = membership(people.owner, people.org)
    panel_rows(m)  # the default types are known to exist from the first call on
    with QueryCounter() as plain:
        panel_rows(m)
    today = timezone.localdate()
    for key, days in (("2023", 10), ("2024", 20)):
        carry(m, cp, "5", period_end=today - timedelta(days=days), expires_on=today + timedelta(days=days), key=key)
    for offset in range(30):  # a long history: most before the carried periods' ends
        take(m, cp, today - timedelta(days=5 + 10 * offset), 1)
    with QueryCounter() as carried:
        rows = panel_rows(m)
    assert len(plain) == len(carried) == 1
    assert rows[cp.pk]["reliquat"] == services.reliquats(m)[cp.pk] == {"days": Decimal("4"), "expires_on": today + timedelta(days=10)}


def test_the_dashboard_does_not_read_more_with_a_reliquat(people, login, cp):
    client = login(people.owner)
    client.get("/essais/tableau-de-bord/")
    with QueryCounter() as before:
        client.get("/essais/tableau-de-bord/")
    m = membership(people.owner, people.org)
    today = timezone.localdate()
    carry(m, cp, "7", period_end=today - timedelta(days=20), expires_on=today + timedelta(days=20), key="2025")
    with QueryCounter() as after:
        page = client.get("/essais/tableau-de-bord/").content.decode()
    assert "dont 7 jours de reliquat" in page
    assert len(after) == len(before)
