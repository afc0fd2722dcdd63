"""Issue 13 item 3: the people picker says who is free, on a shift, in a meeting or on leave;
a coordinator invites someone on a shift with a reason (recorded); leave and other meetings
still refuse; a refused slot proposes the next free slots and free rooms."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillon.accounts.roles import Role
from maillon.agenda import conflicts as engine
from maillon.agenda import services as agenda
from maillon.agenda.models import Event, Resource
from maillon.agenda.recurrence import PARIS
from maillon.audit.models import AuditEntry
from maillon.meetings import services
from maillon.meetings.models import Meeting, Participant
from maillon.testing import make_member

from .helpers import at, coordo_type, membership, room

DAY = "2030-04-03"  # a Wednesday


@pytest.fixture
def team(people, monkeypatch):
    """A coordinator organises; the colleague is on a shift 14:00–16:00, « other sector » in a
    meeting 15:00–16:00, the owner on leave that day; a fourth person is free."""
    coordo = people.with_role(Role.COORDINATOR)
    boss = membership(coordo, people.org)
    agenda.create_event(boss, title="Accueil du public", kind=Event.Kind.SHIFT, start=at(2030, 4, 3, 14), end=at(2030, 4, 3, 16),
                        people=[membership(people.colleague, people.org)])
    services.create_meeting(membership(people.other_sector, people.org), title="Réunion jeunesse", meeting_type=coordo_type(people.org),
                            start=at(2030, 4, 3, 15), end=at(2030, 4, 3, 16), send_email=False)
    leave = [(people.owner.pk, at(2030, 4, 3, 0), at(2030, 4, 4, 0))]
    monkeypatch.setattr(engine, "absences", lambda org, start, end: [r for r in leave if r[1] < end and start < r[2]])
    people.coordo, people.boss = coordo, boss
    people.free = make_member(people.org, sector_name="Secteur Enfance", first_name="Lina", last_name="Libre")
    return people


def _form(team, **extra):
    return {"title": "Réunion d'équipe", "meeting_type": coordo_type(team.org).pk, "day": DAY, "start_time": "14:00",
            "end_time": "16:00", "objective": "", "agenda": "", **extra}


def test_the_picker_labels_each_person_for_the_chosen_time(team, login):
    client = login(team.coordo)
    response = client.get("/essais/agenda/disponibilites/", {"day": DAY, "start": "14:00", "end": "16:00"})
    assert response.status_code == 200
    found = response.json()["people"]

    def label(user):
        return found[str(membership(user, team.org).pk)]

    assert label(team.colleague) == {"status": "shift", "label": "en poste, 14:00–16:00"}
    assert label(team.other_sector) == {"status": "meeting", "label": "en réunion, 15:00–16:00"}
    assert label(team.owner) == {"status": "leave", "label": "en congé"}
    assert label(team.free) == {"status": "free", "label": "libre"}
    # an hour later nobody is on the shift any more; the meeting is left out when it is the one changed
    later = client.get("/essais/agenda/disponibilites/", {"day": DAY, "start": "16:00", "end": "17:00"}).json()["people"]
    assert {v["status"] for k, v in later.items() if k != str(membership(team.owner, team.org).pk)} == {"free"}
    occurrence = Meeting.objects.get(title="Réunion jeunesse").event.occurrences.get().pk
    same = client.get("/essais/agenda/disponibilites/", {"day": DAY, "start": "14:00", "end": "16:00", "exclude": occurrence}).json()
    assert same["people"][str(membership(team.other_sector, team.org).pk)]["status"] == "free"
    # no other organisation's people; bad input is a French 400, never a 500
    assert str(membership(team.outsider, team.other_org).pk) not in found
    bad = client.get("/essais/agenda/disponibilites/", {"day": "demain", "start": "14:00", "end": "13:00"})
    assert bad.status_code == 400 and "Choisissez une date" in bad.json()["detail"]


def test_the_availability_costs_the_same_queries_for_five_or_thirty_people(team, login):
    client = login(team.coordo)
    client.get("/essais/agenda/disponibilites/", {"day": DAY, "start": "14:00", "end": "16:00"})  # warm the session

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/essais/agenda/disponibilites/", {"day": DAY, "start": "14:00", "end": "16:00"}).status_code == 200
        return len(queries)

    few = count()
    for i in range(25):
        make_member(team.org, sector_name="Secteur Enfance", username=f"equipier{i}")
    assert count() == few
    assert few <= 12


def test_the_meetings_form_offers_the_picker_with_availability_and_a_reason_field(team, login):
    page = login(team.coordo).get("/essais/reunions/nouvelle/").content.decode()
    assert 'data-availability-url="/essais/agenda/disponibilites/"' in page
    assert "Motif pour inviter une personne en poste" in page
    assert 'data-people-none role="status"' in page  # « Personne ne correspond à ce nom » is announced


def test_the_change_page_asks_the_availability_at_the_meetings_own_time_leaving_it_out(team, login):
    meeting = services.create_meeting(team.boss, title="Réunion d'équipe", meeting_type=coordo_type(team.org), start=at(2030, 4, 3, 14),
                                      end=at(2030, 4, 3, 16), send_email=False)
    page = login(team.coordo).get(f"/essais/reunions/{meeting.pk}/modifier/").content.decode()
    occurrence = meeting.event.occurrences.get().pk
    assert f'data-day="2030-04-03" data-start="14:00" data-end="16:00" data-exclude="{occurrence}"' in page


def test_someone_on_a_shift_is_refused_then_invited_with_a_reason_and_the_reason_is_recorded(team, login):
    client = login(team.coordo)
    colleague = membership(team.colleague, team.org)
    refused = client.post("/essais/reunions/nouvelle/", _form(team, people=[colleague.pk]))
    page = refused.content.decode()
    assert refused.status_code == 200 and not Meeting.objects.filter(title="Réunion d'équipe").exists()
    assert "Accueil du public" in page and "en indiquant un motif" in page
    assert "Prochains créneaux libres pour tout le monde" in page
    response = client.post("/essais/reunions/nouvelle/", _form(team, people=[colleague.pk],
                                                                overbook_reason="Point d'équipe obligatoire avant l'été"))
    meeting = Meeting.objects.get(title="Réunion d'équipe")
    assert response.status_code == 302
    assert Participant.objects.filter(meeting=meeting, membership=colleague).exists()
    overbook = AuditEntry.objects.get(action="agenda.overbook")
    assert overbook.data == {"reason": "Point d'équipe obligatoire avant l'été", "people": [team.colleague.pk]}
    assert AuditEntry.objects.get(action="meetings.create", target_id=str(meeting.pk)).data["overbook_reason"] == \
        "Point d'équipe obligatoire avant l'été"


@pytest.mark.parametrize("who", ["owner", "other_sector"])
def test_leave_and_another_meeting_refuse_whatever_the_reason(team, login, who):
    client = login(team.coordo)
    person = membership(getattr(team, who), team.org)
    page = client.post("/essais/reunions/nouvelle/", _form(team, people=[person.pk], overbook_reason="Indispensable")).content.decode()
    assert not Meeting.objects.filter(title="Réunion d'équipe").exists()
    assert ("en congé" if who == "owner" else "Réunion jeunesse") in page
    assert "ne se contournent pas" in page
    with pytest.raises(agenda.ConflictError):
        services.create_meeting(team.boss, title="Réunion d'équipe", meeting_type=coordo_type(team.org), start=at(2030, 4, 3, 14),
                                end=at(2030, 4, 3, 16), people=[person], overbook_reason="Indispensable", send_email=False)


def test_only_a_coordinator_overrides_a_shift(team):
    staff = membership(team.free, team.org)
    with pytest.raises(agenda.ConflictError) as error:
        services.create_meeting(staff, title="Café", meeting_type=coordo_type(team.org), start=at(2030, 4, 3, 14),
                                end=at(2030, 4, 3, 16), people=[membership(team.colleague, team.org)], overbook_reason="Urgent",
                                send_email=False)
    assert "coordinat" in error.value.message
    assert not Meeting.objects.filter(title="Café").exists()


def test_adding_someone_on_a_shift_to_a_meeting_needs_the_reason_too(team):
    meeting = services.create_meeting(team.boss, title="Réunion d'équipe", meeting_type=coordo_type(team.org), start=at(2030, 4, 3, 14),
                                      end=at(2030, 4, 3, 16), send_email=False)
    colleague = membership(team.colleague, team.org)
    with pytest.raises(agenda.ConflictError):
        services.edit_meeting(team.boss, meeting, title=meeting.title, objective="", agenda_text="", people=[colleague])
    services.edit_meeting(team.boss, meeting, title=meeting.title, objective="", agenda_text="", people=[colleague],
                          overbook_reason="Relève assurée par Lina")
    assert Participant.objects.filter(meeting=meeting, membership=colleague).exists()
    assert AuditEntry.objects.get(action="meetings.edit").data["overbook_reason"] == "Relève assurée par Lina"
    with pytest.raises(agenda.ConflictError):  # the meeting of « other sector »: no reason helps
        services.edit_meeting(team.boss, meeting, title=meeting.title, objective="", agenda_text="",
                              people=[colleague, membership(team.other_sector, team.org)], overbook_reason="Indispensable")


def test_the_suggested_slots_are_free_for_everyone_in_the_future_and_the_rooms_big_enough(team):
    small = room(team.org, "Petite salle")
    Resource.objects.filter(pk=small.pk).update(capacity=6)
    big = room(team.org, "Grande salle")
    Resource.objects.filter(pk=big.pk).update(capacity=30)
    busy_big = room(team.org, "Salle polyvalente")
    Resource.objects.filter(pk=busy_big.pk).update(capacity=40)
    asked = room(team.org, "Salle Le Chêne")
    Resource.objects.filter(pk=asked.pk).update(capacity=20)
    asked.refresh_from_db()
    agenda.create_event(team.boss, title="Atelier", start=at(2030, 4, 3, 13), end=at(2030, 4, 3, 17), resources=[asked, busy_big])
    everyone = [membership(u, team.org) for u in (team.coordo, team.colleague, team.other_sector, team.free)]
    start, end = at(2030, 4, 3, 14), at(2030, 4, 3, 16)
    found = engine.check(team.org, [(start, end)], [asked], [m.user_id for m in everyone])
    with CaptureQueriesContext(connection) as queries:
        suggestions = engine.suggest(team.org, start, end, [asked], [m.user_id for m in everyone], conflicts=found)
    assert len(queries) <= 8
    assert len(suggestions.slots) == 3
    for begins, ends in suggestions.slots:
        assert ends - begins == timedelta(hours=2) and begins > timezone.now()
        local = begins.astimezone(PARIS)
        assert local.weekday() < 5 and local.hour >= 9 and ends.astimezone(PARIS).hour <= 18
        assert engine.check(team.org, [(begins, ends)], [asked], [m.user_id for m in everyone]) == []
    # the room is taken until 17:00 and two hours from then end after 18:00: the next morning
    assert [s for s, _e in suggestions.slots] == [at(2030, 4, 4, 9), at(2030, 4, 4, 9, 30), at(2030, 4, 4, 10)]
    assert [r.name for r in suggestions.rooms] == ["Grande salle"]  # big enough and free; not the small one nor the busy one


def test_a_slot_asked_in_the_past_is_never_proposed(team):
    now = timezone.now()
    start = now - timedelta(days=3)
    found = engine.suggest(team.org, start, start + timedelta(hours=1), [], [team.colleague.pk], now=now)
    assert found.slots and all(s >= now for s, _e in found.slots)


def test_the_agenda_event_form_proposes_free_slots_too(team, login):
    salle = room(team.org, "Salle Le Chêne")
    agenda.create_event(team.boss, title="Permanence", start=at(2030, 4, 3, 14), end=at(2030, 4, 3, 16), resources=[salle])
    page = login(team.coordo).post("/essais/agenda/nouveau/", {
        "title": "Atelier", "kind": "booking", "day": DAY, "start_time": "14:00", "end_time": "15:00", "resources": [salle.pk],
    }).content.decode()
    assert "Permanence" in page and "Prochains créneaux libres pour tout le monde" in page
    assert 'data-day="2030-04-03" data-start="16:00" data-end="17:00"' in page  # the room is free again at 16:00


def test_the_api_refuses_with_free_slots_and_rooms_then_accepts_a_reason(team, login):
    client = login(team.coordo)
    salle = room(team.org, "Salle Le Chêne")
    Resource.objects.filter(pk=salle.pk).update(capacity=12)
    grande = room(team.org, "Grande salle")
    Resource.objects.filter(pk=grande.pk).update(capacity=25)
    agenda.create_event(team.boss, title="Permanence", start=at(2030, 4, 3, 13), end=at(2030, 4, 3, 17), resources=[salle])
    body = {"title": "Réunion d'équipe", "meeting_type": coordo_type(team.org).pk, "start": "2030-04-03T14:00:00+02:00",
            "end": "2030-04-03T16:00:00+02:00", "people": [team.colleague.pk]}
    headers = {"X-Organisation": "essais"}
    refused = client.post("/api/v1/meetings", {**body, "room": salle.pk}, content_type="application/json", headers=headers)
    assert refused.status_code == 409
    data = refused.json()
    assert any("Permanence" in c for c in data["conflicts"])  # the room first: no reason books it
    assert [r["name"] for r in data["free_rooms"]] == ["Grande salle"]
    assert len(data["free_slots"]) == 3 and data["free_slots"][0]["start"] == "2030-04-04T09:00:00+02:00"
    created = client.post("/api/v1/meetings", {**body, "room": grande.pk, "overbook_reason": "Point d'équipe obligatoire"},
                          content_type="application/json", headers=headers)
    assert created.status_code == 201
    assert AuditEntry.objects.get(action="agenda.overbook").data["reason"] == "Point d'équipe obligatoire"


def test_moving_a_date_onto_a_booked_room_proposes_free_slots(team, login):
    salle = room(team.org, "Salle Le Chêne")
    agenda.create_event(team.boss, title="Permanence", start=at(2030, 4, 3, 14), end=at(2030, 4, 3, 16), resources=[salle])
    mine = agenda.create_event(team.boss, title="Atelier", start=at(2030, 4, 3, 9), end=at(2030, 4, 3, 10), resources=[salle]).event
    occurrence = mine.occurrences.get()
    page = login(team.coordo).post(f"/essais/agenda/dates/{occurrence.pk}/modifier/", {
        "day": DAY, "start_time": "14:30", "end_time": "15:30", "scope": "this"}).content.decode()
    assert "Permanence" in page and "Prochains créneaux libres pour tout le monde" in page
    assert 'data-day="2030-04-03" data-start="16:00" data-end="17:00"' in page
    assert "agenda/js/people.js" in page
