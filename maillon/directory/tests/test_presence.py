"""Staff directory: « present today » from the leave and agenda apps, without N+1."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from maillon.accounts.models import Membership
from maillon.agenda.models import Allocation, Event, Occurrence
from maillon.directory import presence
from maillon.leave import services as leave
from maillon.leave.models import LeaveType
from maillon.testing import QueryCounter, make_member

ZONE = timezone.get_default_timezone()
ON_LEAVE = '<span class="status status-off">En congé</span>'


def membership(user, org):
    return Membership.objects.get(user=user, organisation=org)


def on_leave(user, org, start, end, *, start_half="am", end_half="pm", reference="r:1"):
    leave.ensure_default_types(org)
    cp = LeaveType.objects.get(organisation=org, code="cp")
    m = membership(user, org)
    leave.add_correction(membership=m, leave_type=cp, amount=Decimal(30), reason="Solde initial", actor=None)
    return leave.record_approved_request(membership=m, leave_type=cp, start_date=start, start_half=start_half,
                                         end_date=end, end_half=end_half, reference=reference, actor=None)


def booked(user, org, title, start_hour, end_hour, day=None):
    day = day or timezone.localdate()
    start, end = datetime.combine(day, time(start_hour), ZONE), datetime.combine(day, time(end_hour), ZONE)
    event = Event.objects.create(organisation=org, title=title, start=start, end=end, kind=Event.Kind.ACTIVITY)
    occurrence = Occurrence.objects.create(organisation=org, event=event, start=start, end=end, original_start=start)
    return Allocation.objects.create(organisation=org, occurrence=occurrence, membership=membership(user, org), start=start, end=end, block_end=end)


def test_it_shows_who_is_on_leave_and_what_others_do_today(people, login):
    today = timezone.localdate()
    on_leave(people.colleague, people.org, today - timedelta(days=1), today + timedelta(days=2))
    booked(people.owner, people.org, "Atelier cuisine", 14, 16)
    booked(people.owner, people.org, "Sortie passée", 9, 10, day=today - timedelta(days=1))
    page = login(people.owner).get("/essais/annuaire/equipe/").content.decode()
    assert ON_LEAVE in page and "inclus" in page and "1 personne en congé aujourd" in page
    assert "Atelier cuisine 14:00–16:00" in page and "Présent·e aujourd&#x27;hui" in page
    assert "Sortie passée" not in page
    absent = login(people.owner).get("/essais/annuaire/equipe/?presence=absent").content.decode()
    assert people.colleague.last_name in absent and "Atelier cuisine" not in absent
    present = login(people.owner).get("/essais/annuaire/equipe/?presence=present").content.decode()
    assert "Atelier cuisine" in present and ON_LEAVE not in present


def test_it_ignores_leave_and_agenda_of_other_organisations(people, login):
    today = timezone.localdate()
    make_member(people.other_org, user=people.colleague)
    on_leave(people.colleague, people.other_org, today, today)
    booked(people.colleague, people.other_org, "Réunion ailleurs", 10, 11)
    page = login(people.owner).get("/essais/annuaire/equipe/").content.decode()
    assert ON_LEAVE not in page and "Réunion ailleurs" not in page
    assert login(people.outsider).get("/essais/annuaire/equipe/").status_code == 404


def test_it_lists_the_team_in_a_fixed_number_of_queries(people, login):
    today = timezone.localdate()
    client = login(people.owner)
    client.get("/essais/annuaire/equipe/")
    with QueryCounter() as few:
        client.get("/essais/annuaire/equipe/")
    for i in range(6):
        user = make_member(people.org, first_name=f"Prénom{i}", last_name=f"Nom{i}")
        booked(user, people.org, f"Atelier {i}", 9, 11)
        on_leave(user, people.org, today, today, reference=f"r:{i}") if i % 2 else None
    with QueryCounter() as many:
        page = client.get("/essais/annuaire/equipe/").content.decode()
    assert "Atelier 4 09:00–11:00" in page and page.count(ON_LEAVE) == 3
    assert len(many) == len(few)


def test_it_tells_half_days_apart():
    day = date(2026, 3, 10)
    start, end = presence.day_bounds(day)
    noon = datetime.combine(day, time(12), ZONE)
    assert presence.describe([], day).status == presence.PRESENT
    assert presence.describe([(start, noon)], day).label == "Absent·e ce matin"
    assert presence.describe([(noon, end)], day).label == "Absent·e cet après-midi"
    assert presence.describe([(start, noon), (noon, end + timedelta(days=3))], day).status == presence.ABSENT
    whole = presence.describe([(start - timedelta(days=2), end + timedelta(days=1))], day)
    assert whole.status == presence.ABSENT and whole.detail == "jusqu'au 11 mars inclus"


@given(st.integers(0, 47), st.integers(1, 48))
def test_it_is_absent_only_when_the_whole_day_is_covered(start_slot, length):
    day = date(2026, 3, 10)
    day_start, day_end = presence.day_bounds(day)
    start = day_start + timedelta(minutes=30 * start_slot)
    end = min(start + timedelta(minutes=30 * length), day_end)
    result = presence.describe([(start, end)], day)
    noon = datetime.combine(day, time(12), ZONE)
    covers_both_halves = start < noon < end
    assert (result.status == presence.ABSENT) == (covers_both_halves or (start == day_start and end == day_end))
    assert result.status != presence.PRESENT
