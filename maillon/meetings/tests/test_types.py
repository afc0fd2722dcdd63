"""Meeting types: organisations add their own (sections, default invitees, actions); a board
meeting records its quorum and numbers deliberations; a funder meeting adds a follow-up
deadline to the funding planning through the agenda's services."""

from datetime import date

import pytest

from maillon.agenda.models import Event
from maillon.meetings import services
from maillon.meetings.models import MeetingType, Minutes, Outcome

from .helpers import at, meeting, membership

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def type_named(org, name):
    return next(t for t in services.meeting_types(org) if t.name == name)


def test_a_coordinator_adds_a_type_with_sections_and_default_invitees(people, login):
    coordinator = people.with_role("coordinator")
    client = login(coordinator)
    page = client.get("/essais/reunions/types/").content.decode()
    assert "Types de réunion" in page and "Conseil d’administration" in page.replace("'", "’") or "Conseil d'administration" in page
    colleague = membership(people.colleague, people.org)
    response = client.post("/essais/reunions/types/", {"name": "Commission animation", "sections": "Bilan\n\nProjets\n",
                                                        "default_invitees": [colleague.pk]})
    assert response.status_code == 302
    created = MeetingType.objects.get(organisation=people.org, name="Commission animation")
    assert created.sections == ["Bilan", "Projets"] and list(created.default_invitees.all()) == [colleague]
    m = meeting(people.org, coordinator, meeting_type=created, title="Commission de mars")
    assert set(m.participants.values_list("membership__user__username", flat=True)) == {coordinator.username, "collegue"}
    assert [s["title"] for s in Minutes.objects.get(meeting=m).sections] == ["Bilan", "Projets"]
    edit = client.post(f"/essais/reunions/types/{created.pk}/", {"name": "Commission animation", "sections": "Bilan", "is_board": "on"})
    assert edit.status_code == 302
    created.refresh_from_db()
    assert created.is_board and created.sections == ["Bilan"] and not created.default_invitees.exists()


def test_bad_types_get_french_messages_and_other_roles_cannot(people, login):
    client = login(people.with_role("director"))
    services.meeting_types(people.org)
    taken = client.post("/essais/reunions/types/", {"name": "copil", "sections": "A"})
    assert taken.status_code == 400 and "Un type de réunion porte déjà ce nom." in taken.content.decode()
    empty = client.post("/essais/reunions/types/", {"name": "Nouveau", "sections": "  \n "})
    assert empty.status_code == 400 and "Donnez au moins une rubrique au compte-rendu." in empty.content.decode()
    assert 'value="Nouveau"' in empty.content.decode()
    foreign = services.meeting_types(people.other_org)[0]
    assert client.get(f"/essais/reunions/types/{foreign.pk}/").status_code == 404
    assert login(people.owner).get("/essais/reunions/types/").status_code == 404
    assert login(people.owner).post("/essais/reunions/types/", {"name": "X", "sections": "A"}).status_code == 404
    assert login(people.outsider).get("/essais/reunions/types/").status_code == 404
    assert not MeetingType.objects.filter(name__in=["Nouveau", "X"]).exists()


def test_a_board_meeting_records_its_quorum_and_numbers_deliberations(people, login):
    board = type_named(people.org, "Conseil d'administration")
    m = meeting(people.org, people.owner, people.colleague, meeting_type=board, agenda_text="Comptes 2029\nBudget 2030",
                start=at(2030, 6, 2, 18))
    client = login(people.owner)
    bad = client.post(url(m, "compte-rendu/quorum/"), {"voting_members": 12, "voting_present": 14})
    assert bad.status_code == 400 and "Il ne peut pas y avoir plus de membres présents" in bad.content.decode()
    assert client.post(url(m, "compte-rendu/quorum/"), {"voting_members": 12, "voting_present": 7}).status_code == 302
    client.post(url(m, "compte-rendu/points/"), {"item": 1, "kind": "decision", "text": "Les comptes 2029 sont approuvés."})
    page = client.get(url(m, "compte-rendu/")).content.decode()
    assert "7 membres présents ou représentés sur 12 avec droit de vote (quorum : 7)." in page and "Quorum atteint" in page
    assert "Délibération 2030-01" in page
    client.post(url(m, "compte-rendu/quorum/"), {"voting_members": 12, "voting_present": 6})
    assert "Quorum non atteint" in client.get(url(m, "compte-rendu/")).content.decode()
    assert login(people.colleague).post(url(m, "compte-rendu/quorum/"), {"voting_members": 12, "voting_present": 12}).status_code == 404
    assert Minutes.objects.get(meeting=m).voting_present == 6
    team = meeting(people.org, people.owner, start=at(2030, 6, 3, 10))
    assert login(people.owner).post(url(team, "compte-rendu/quorum/"), {"voting_members": 3, "voting_present": 3}).status_code == 400


def test_a_funder_meeting_adds_a_deadline_to_the_funding_planning(people, login):
    funder = type_named(people.org, "Réunion financeur")
    director = people.with_role("director")
    m = meeting(people.org, director, people.owner, meeting_type=funder, title="Point CAF", start=at(2030, 5, 14, 10))
    response = login(director).post(url(m, "compte-rendu/financement/"), {"title": "Bilan intermédiaire CAF", "day": "2030-09-30"})
    assert response.status_code == 302
    event = Event.objects.get(kind=Event.Kind.FUNDING)
    assert event.title == "Bilan intermédiaire CAF" and event.organisation == people.org and event.reminder_days == [30, 7]
    assert Outcome.objects.get(event=event).text == "Échéance de suivi du financement : Bilan intermédiaire CAF, 30 septembre 2030"
    assert "Bilan intermédiaire CAF" in login(director).get(url(m, "compte-rendu/")).content.decode()
    # A staff member writing the minutes may not add to the funding planning: a French message.
    refused = login(people.owner).post(url(m, "compte-rendu/financement/"), {"title": "Autre", "day": "2030-10-01"})
    assert refused.status_code == 400 and "Seule la direction ajoute des échéances" in refused.content.decode()
    bad = login(director).post(url(m, "compte-rendu/financement/"), {"title": "Sans date", "day": "demain"})
    assert bad.status_code == 400 and "Saisissez une date valide." in bad.content.decode()
    assert login(people.outsider).post(url(m, "compte-rendu/financement/"), {"title": "X", "day": "2030-10-01"}).status_code == 404
    assert Event.objects.filter(kind=Event.Kind.FUNDING).count() == 1
    other = meeting(people.org, director, start=at(2030, 5, 15, 10))
    assert login(director).post(url(other, "compte-rendu/financement/"), {"title": "X", "day": "2030-10-01"}).status_code == 400
    assert date(2030, 9, 30) == event.start.date()
