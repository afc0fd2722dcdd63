"""Staff directory: « present today » from the leave and agenda apps, without N+1."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from maillon.accounts.models import Membership
from maillon.agenda.models import Allocation, Closure, Event, Occurrence
from maillon.directory import presence
from maillon.leave import services as leave
from maillon.leave.models import FULL_TIME, LeaveType, WorkCycle
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
        WorkCycle.objects.create(organisation=people.org, membership=membership(user, people.org), half_days=FULL_TIME)
    Closure.objects.create(organisation=people.org, start=presence.day_bounds(today)[0], end=presence.day_bounds(today)[1], reason="Travaux")
    with QueryCounter() as many:
        page = client.get("/essais/annuaire/equipe/").content.decode()
    assert "Atelier 4 09:00–11:00" in page and page.count(ON_LEAVE) == 3
    assert len(many) == len(few)


def test_it_tells_half_days_apart():
    day = date(2026, 3, 10)
    start, end = presence.day_bounds(day)
    noon = datetime.combine(day, time(12), ZONE)
    assert presence.describe([], day) is None
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


SUNDAY, TUESDAY, BASTILLE_DAY = date(2026, 12, 6), date(2026, 12, 8), date(2026, 7, 14)
NOT_WORKING = '<span class="status status-off">Ne travaille pas aujourd&#x27;hui</span>'


def works(user, org, half_days=FULL_TIME):
    return WorkCycle.objects.create(organisation=org, membership=membership(user, org), half_days=half_days)


def presences_on(people, day):
    members = list(Membership.objects.for_organisation(people.org).active())
    found = presence.presence_today(people.org, members, day=day)
    return {m.user: found[m.pk] for m in members}


def test_on_a_sunday_only_the_person_on_shift_is_present(people, login, monkeypatch):
    """The issue: 41 of 42 « présent·e » on a Sunday. Without a shift, nobody is present on a Sunday:
    « pas d'information », or « ne travaille pas » when their work cycle says so."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: SUNDAY)
    booked(people.owner, people.org, "Brocante", 8, 13, day=SUNDAY)
    works(people.colleague, people.org)
    page = login(people.owner).get("/essais/annuaire/equipe/").content.decode()
    assert page.count("Présent·e aujourd&#x27;hui</span>") == 1 and "Brocante 08:00–13:00" in page
    assert page.count(NOT_WORKING) == 1 and "Pas d&#x27;information" in page
    on_sunday = presences_on(people, SUNDAY)
    assert on_sunday[people.owner].status == presence.PRESENT
    assert on_sunday[people.colleague].reason == presence.DAY_OFF
    assert on_sunday[people.other_sector].status == presence.UNKNOWN
    present = login(people.owner).get("/essais/annuaire/equipe/?presence=present").content.decode()
    assert people.owner.last_name in present and people.colleague.last_name not in present


def test_a_working_day_of_the_cycle_is_present_unless_on_leave(people):
    works(people.owner, people.org)
    works(people.colleague, people.org)
    works(people.other_sector, people.org, half_days=FULL_TIME & ~(0b11 << 2))  # not on Tuesdays
    on_leave(people.colleague, people.org, TUESDAY, TUESDAY)
    booked(people.colleague, people.org, "Atelier oublié", 9, 10, day=TUESDAY)
    found = presences_on(people, TUESDAY)
    assert (found[people.owner].status, found[people.owner].label) == (presence.PRESENT, "Présent·e aujourd'hui")
    assert (found[people.colleague].status, found[people.colleague].label) == (presence.ABSENT, "En congé")
    assert found[people.other_sector].label == "Ne travaille pas aujourd'hui"


def test_a_public_holiday_is_absent_with_its_name_unless_on_shift(people):
    works(people.owner, people.org)
    works(people.colleague, people.org)
    booked(people.colleague, people.org, "Feu d'artifice", 21, 23, day=BASTILLE_DAY)
    found = presences_on(people, BASTILLE_DAY)
    assert (found[people.owner].status, found[people.owner].label, found[people.owner].detail) == (presence.ABSENT, "Jour férié", "Fête nationale")
    assert found[people.colleague].status == presence.PRESENT
    assert found[people.other_sector].reason == presence.HOLIDAY


def test_an_organisation_closure_is_absent_with_its_reason_unless_on_shift(people):
    works(people.owner, people.org)
    start, end = presence.day_bounds(TUESDAY)
    Closure.objects.create(organisation=people.org, start=start, end=end + timedelta(days=2), reason="Fermeture de fin d'année")
    Closure.objects.create(organisation=people.other_org, start=start, end=end, reason="Ailleurs")
    booked(people.colleague, people.org, "Inventaire", 9, 12, day=TUESDAY)
    found = presences_on(people, TUESDAY)
    assert (found[people.owner].label, found[people.owner].detail) == ("Structure fermée", "Fermeture de fin d'année")
    assert found[people.colleague].status == presence.PRESENT
    assert found[people.owner].reason == presence.CLOSURE
    assert presences_on(people, TUESDAY + timedelta(days=7))[people.owner].status == presence.PRESENT


GOOD_FRIDAY = date(2026, 4, 3)  # a public holiday in Alsace-Moselle only


def test_the_work_cycles_read_with_the_people_give_the_same_presence_in_fewer_queries(people):
    works(people.owner, people.org)
    works(people.colleague, people.org, half_days=FULL_TIME & ~(0b11 << 2))  # not on Tuesdays
    members = list(presence.with_work_cycles(Membership.objects.for_organisation(people.org).active()))
    with QueryCounter() as read_again:
        expected = presence.presence_today(people.org, members, day=TUESDAY)
    with QueryCounter() as given:
        found = presence.presence_today(people.org, members, day=TUESDAY, cycles=presence.cycles_of(members))
    assert found == expected and len(given) == len(read_again) - 1
    assert found[membership(people.colleague, people.org).pk].reason == presence.DAY_OFF


def test_the_leave_settings_are_read_only_on_a_holiday_of_alsace_moselle(people):
    from maillon.leave.models import LeaveSettings

    LeaveSettings.objects.get_or_create(organisation=people.org)
    with QueryCounter() as ordinary:
        assert presence.day_facts(people.org, [], TUESDAY).holiday is None
    people.org.__dict__.pop("_leave_settings_cache", None)
    with QueryCounter() as good_friday:
        assert presence.day_facts(people.org, [], GOOD_FRIDAY).holiday is None
    assert len(good_friday) == len(ordinary) + 1
    LeaveSettings.objects.filter(organisation=people.org).update(alsace_moselle=True)
    people.org.__dict__.pop("_leave_settings_cache", None)
    assert presence.day_facts(people.org, [], GOOD_FRIDAY).holiday == "Vendredi saint"
