"""API actions of the meetings screens: change a meeting (PATCH: when, where, room, equipment;
title, objective, agenda, participants, guests, in one transaction), cancel it, publish the
minutes, ask for contributions, outcomes (record, correct, remove), attendance, tasks. For
each: what the user checks afterwards, another organisation (404), a colleague who may not
(404 or 403, as the page answers), bad input (422 in French, nothing changed), flat queries."""

from datetime import date, datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from maillon.accounts.roles import Role
from maillon.agenda import services as agenda
from maillon.agenda.models import Allocation, Resource
from maillon.directory.models import Contact, Partner
from maillon.meetings import services_minutes
from maillon.meetings.models import Guest, Meeting, Minutes, Outcome, Participant, Task
from maillon.notifications.models import Notification
from maillon.testing import make_member

from .helpers import at, meeting, membership, room

pytestmark = pytest.mark.django_db

H = {"X-Organisation": "essais"}
OTHER = {"X-Organisation": "autre"}
AGENDA = "Tour des secteurs\nFête de quartier\nBudget"


def send(client, method, path, data=None, headers=H):
    return getattr(client, method)(f"/api/v1/meetings{path}", data if data is not None else {}, content_type="application/json",
                                   headers=headers)


def client_of(user):
    """A client of its own (``login`` gives the one test client, logged in as the last user)."""
    client = Client()
    client.force_login(user)
    return client


def errors(response):
    """field -> message of a 422 answer."""
    assert response.status_code == 422, response.content
    return {e["field"]: e["msg"] for e in response.json()["detail"]}


def item(org, name="Vidéoprojecteur"):
    return Resource.objects.create(organisation=org, name=name, kind=Resource.Kind.EQUIPMENT, category=Resource.Category.PROJECTOR)


def contact(org, name="Claire Dupuis", email="claire@caf.test"):
    partner = Partner.objects.create(organisation=org, name=f"CAF de {name}")
    return Contact.objects.create(organisation=org, partner=partner, name=name, email=email)


def active_allocations(m):
    return list(Allocation.objects.filter(occurrence__event=m.event, active=True).select_related("resource", "membership__user"))


def booked(m):
    """(resources, people) booked for the meeting in the agenda, and the starts of those bookings."""
    allocations = active_allocations(m)
    return (sorted(a.resource.name for a in allocations if a.resource_id),
            sorted(a.membership.user.username for a in allocations if a.membership_id),
            {a.start for a in allocations})


def calendar_event(message):
    return next(iter(Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")))


def ids(m):
    return set(m.participants.values_list("membership_id", flat=True))


def record(m, who, kind, text, item=1, **extra):
    return services_minutes.add_outcome(membership(who, m.organisation), m.minutes, item=item, kind=kind, text=text, participant_ids=ids(m),
                                **extra)


def publish(m):
    services_minutes.publish_minutes(membership(m.organiser, m.organisation), Minutes.objects.get(meeting=m))


# ---------------------------------------------------------------- PATCH /meetings/{id}


def test_changing_time_room_equipment_agenda_and_people_at_once_moves_the_bookings_and_tells_each_one_once(
        people, login, django_capture_on_commit_callbacks):
    salle, grande = room(people.org), room(people.org, "Grande salle")
    projector, laptop = item(people.org), item(people.org, "Ordinateur portable")
    m = meeting(people.org, people.owner, people.colleague, room=salle, equipment=[projector], agenda_text="Budget")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(login(people.owner), "patch", f"/{m.pk}", {
            "start": "2030-03-13T09:30:00+01:00", "end": "2030-03-13T11:00:00+01:00", "room": grande.pk, "equipment": [laptop.pk],
            "agenda": ["Budget", "Fête de quartier"], "people": [people.colleague.pk, people.other_sector.pk]})
    assert response.status_code == 200, response.content
    data = response.json()
    assert datetime.fromisoformat(data["start"]) == at(2030, 3, 13, 9, 30) and datetime.fromisoformat(data["end"]) == at(2030, 3, 13, 11)
    assert [(r["name"], r["kind"]) for r in data["resources"]] == [("Grande salle", "room"), ("Ordinateur portable", "equipment")]
    assert data["place"] == "Grande salle" and data["agenda"] == ["Budget", "Fête de quartier"] and data["cancelled_at"] is None
    assert {p["user_id"] for p in data["participants"]} == {people.owner.pk, people.colleague.pk, people.other_sector.pk}
    # The agenda: the old room and item freed, the new ones and the person added booked, everything at the new time.
    assert booked(m) == (["Grande salle", "Ordinateur portable"], sorted(["autresecteur", "collegue", "proprietaire"]),
                         {at(2030, 3, 13, 9, 30)})
    assert not Allocation.objects.get(occurrence__event=m.event, resource=salle).active
    m = Meeting.objects.get()
    assert m.sequence == 1 and m.event.place == "Grande salle"
    # One e-mail each: the update (new time and agenda) for the participant, the invitation for the newcomer.
    assert sorted((e.to[0], e.subject) for e in mail.outbox) == [
        ("autresecteur@exemple.test", "Invitation : COORDO de mars"), ("collegue@exemple.test", "Réunion modifiée : COORDO de mars")]
    update = calendar_event(next(e for e in mail.outbox if e.to == ["collegue@exemple.test"]))
    assert int(update["sequence"]) == 1 and update.decoded("dtstart") == at(2030, 3, 13, 9, 30)
    assert "Fête de quartier" in str(update["description"]) and str(update["location"]) == "Grande salle"


def test_changing_only_some_fields_keeps_the_others(people, login, django_capture_on_commit_callbacks):
    caf = contact(people.org)
    salle = room(people.org)
    m = meeting(people.org, people.owner, people.colleague, room=salle, contacts=[caf], agenda_text=AGENDA)
    mail.outbox.clear()
    client = login(people.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "patch", f"/{m.pk}", {"title": "COORDO d'avril"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "COORDO d'avril" and data["agenda"] == AGENDA.splitlines() and data["place"] == "Salle Le Chêne"
    assert {p["user_id"] for p in data["participants"]} == {people.owner.pk, people.colleague.pk}
    assert [g["name"] for g in data["guests"]] == ["Claire Dupuis"]
    assert datetime.fromisoformat(data["start"]) == at(2030, 3, 12, 14) and [r["name"] for r in data["resources"]] == ["Salle Le Chêne"]
    assert sorted((e.to[0], e.subject) for e in mail.outbox) == [
        ("claire@caf.test", "Réunion modifiée : COORDO d'avril"), ("collegue@exemple.test", "Réunion modifiée : COORDO d'avril")]
    # A typo fixed without informing anyone.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "patch", f"/{m.pk}", {"objective": "Coordonner les secteurs", "inform": False})
    assert response.status_code == 200 and response.json()["objective"] == "Coordonner les secteurs"
    assert mail.outbox == [] and Meeting.objects.get().sequence == 1
    # No room any more: the room is freed, the place follows; a guest taken off is told.
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "patch", f"/{m.pk}", {"room": None, "contacts": []})
    assert response.status_code == 200, response.content
    assert response.json()["resources"] == [] and response.json()["place"] == "" and response.json()["guests"] == []
    assert booked(m)[0] == [] and not Guest.objects.exists()
    assert ("claire@caf.test", "Vous n’êtes plus invité·e : COORDO d'avril") in [(e.to[0], e.subject) for e in mail.outbox]


def test_a_busy_person_or_room_changes_nothing(people, login, django_capture_on_commit_callbacks):
    salle, grande = room(people.org), room(people.org, "Grande salle")
    m = meeting(people.org, people.owner, people.colleague, room=salle)
    before = booked(m)
    colleague, other = membership(people.colleague, people.org), membership(people.other_sector, people.org)
    agenda.create_event(colleague, title="Atelier cuisine", start=at(2030, 3, 13, 9), end=at(2030, 3, 13, 12), people=[colleague])
    agenda.create_event(other, title="Accueil jeunes", start=at(2030, 3, 14, 9), end=at(2030, 3, 14, 12), people=[other])
    agenda.create_event(other, title="Ciné-club", start=at(2030, 3, 12, 13), end=at(2030, 3, 12, 18), resources=[grande])
    client = login(people.owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # The participant is busy at the new time: 409 with the agenda's explanation.
        busy = send(client, "patch", f"/{m.pk}", {"start": "2030-03-13T10:00:00+01:00", "end": "2030-03-13T11:00:00+01:00"})
        # The move is possible but the person added is busy then: the move is undone too.
        added_busy = send(client, "patch", f"/{m.pk}", {"start": "2030-03-14T10:00:00+01:00", "end": "2030-03-14T11:00:00+01:00",
                                                        "people": [people.colleague.pk, people.other_sector.pk]})
        # The move is possible but the new title is empty: nothing changes.
        no_title = send(client, "patch", f"/{m.pk}", {"start": "2030-03-15T10:00:00+01:00", "end": "2030-03-15T11:00:00+01:00",
                                                      "title": "  "})
        # The room is taken.
        taken = send(client, "patch", f"/{m.pk}", {"room": grande.pk})
    assert busy.status_code == 409 and added_busy.status_code == 409
    assert busy.json()["detail"] and any("Atelier cuisine" in c for c in busy.json()["conflicts"])
    assert any("Accueil jeunes" in c for c in added_busy.json()["conflicts"])
    assert errors(no_title) == {"title": "Indiquez un titre."}
    assert "Ciné-club" in errors(taken)["room"]
    m = Meeting.objects.get()
    assert (m.start, m.title, m.sequence, m.event.place) == (at(2030, 3, 12, 14), "COORDO de mars", 0, "Salle Le Chêne")
    assert booked(m) == before and ids(m) == {membership(people.owner, people.org).pk, colleague.pk}
    assert mail.outbox == []


def test_bad_input_and_other_organisations_rows_are_refused_in_french(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    theirs_room, theirs_item, theirs_contact = room(people.other_org), item(people.other_org), contact(people.other_org)
    no_email = contact(people.org, "Sans Courriel", "")
    client = login(people.owner)
    path = f"/{m.pk}"
    assert errors(send(client, "patch", path, {"end": "2030-03-12T13:00:00+01:00"})) == {"end": "La fin doit être après le début."}
    assert errors(send(client, "patch", path, {"room": theirs_room.pk})) == {
        "room": "Cette salle ou ce matériel n’existe pas ou ne peut pas être réservé."}
    assert errors(send(client, "patch", path, {"equipment": [theirs_item.pk]})) == {"equipment": "Ce matériel n’existe pas ou ne peut pas être réservé."}
    assert errors(send(client, "patch", path, {"people": [people.outsider.pk]})) == {"people": "Cette personne n’est pas membre de l’organisation."}
    assert errors(send(client, "patch", path, {"contacts": [theirs_contact.pk]})) == {"contacts": "Ce contact n’est pas dans l’annuaire."}
    assert errors(send(client, "patch", path, {"contacts": [no_email.pk]})) == {
        "contacts": "Un contact extérieur doit avoir une adresse e-mail pour être invité."}
    assert errors(send(client, "patch", path, {"start": "demain"}))["start"]
    assert errors(send(client, "patch", path, {"title": "x" * 201})) == {"title": "Cette valeur est trop longue (200 caractères au plus)."}
    assert send(client, "patch", path, "pas du json").status_code == 400
    m = Meeting.objects.get()
    assert (m.start, m.end, m.title, m.sequence) == (at(2030, 3, 12, 14), at(2030, 3, 12, 16), "COORDO de mars", 0)
    assert ids(m) == {membership(people.owner, people.org).pk, membership(people.colleague, people.org).pk}
    assert not Guest.objects.exists()


def test_only_the_organiser_or_the_director_changes_a_meeting(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    change = {"title": "Piraté", "start": "2030-03-20T10:00:00+01:00", "end": "2030-03-20T11:00:00+01:00"}
    for person in (people.colleague, people.other_sector, people.with_role(Role.COORDINATOR)):
        response = send(login(person), "patch", f"/{m.pk}", change)
        assert response.status_code == 404 and response.json() == {"detail": "Introuvable."}
    assert send(login(people.outsider), "patch", f"/{m.pk}", change, headers=OTHER).status_code == 404
    assert send(login(people.outsider), "patch", f"/{m.pk}", change).status_code == 404
    assert (Meeting.objects.get().title, Meeting.objects.get().start) == ("COORDO de mars", at(2030, 3, 12, 14))
    director = people.with_role(Role.DIRECTOR)
    response = send(login(director), "patch", f"/{m.pk}", {"title": "COORDO de printemps"})
    assert response.status_code == 200 and Meeting.objects.get().title == "COORDO de printemps"


def test_changing_more_people_takes_no_more_queries(people, login):
    extra = [make_member(people.org, username=f"membre{i}") for i in range(3)]
    first = meeting(people.org, people.owner, people.colleague)
    second = meeting(people.org, people.owner, people.colleague, start=at(2030, 3, 19, 14))
    client = login(people.owner)
    counts = []
    for m, added in ((first, extra[:1]), (second, extra)):
        with CaptureQueriesContext(connection) as queries:
            response = send(client, "patch", f"/{m.pk}", {"people": [people.colleague.pk, *[u.pk for u in added]], "title": "Nouveau"})
        assert response.status_code == 200, response.content
        assert len(response.json()["participants"]) == 2 + len(added)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------- POST /meetings/{id}/cancel


def test_cancelling_frees_the_agenda_and_tells_the_participants(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague, room=room(people.org))
    mail.outbox.clear()
    assert send(login(people.colleague), "post", f"/{m.pk}/cancel").status_code == 404
    assert send(login(people.other_sector), "post", f"/{m.pk}/cancel").status_code == 404
    assert send(login(people.outsider), "post", f"/{m.pk}/cancel", headers=OTHER).status_code == 404
    assert Meeting.objects.get().cancelled_at is None and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = send(login(people.owner), "post", f"/{m.pk}/cancel")
    assert response.status_code == 200, response.content
    assert response.json()["cancelled_at"] and response.json()["resources"] == []
    assert active_allocations(m) == []
    assert [(e.to, e.subject) for e in mail.outbox] == [(["collegue@exemple.test"], "Réunion annulée : COORDO de mars")]
    assert str(Calendar.from_ical(mail.outbox[0].attachments[0][1])["method"]) == "CANCEL"
    assert Notification.objects.filter(recipient=people.colleague, title="Réunion annulée : COORDO de mars").exists()
    # Cancelling again changes nothing; a cancelled meeting is no longer changed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send(login(people.owner), "post", f"/{m.pk}/cancel").status_code == 200
    assert mail.outbox == [] and Meeting.objects.get().sequence == 1
    assert errors(send(login(people.owner), "patch", f"/{m.pk}", {"title": "Reprise"})) == {"": "Cette réunion est annulée."}


# ---------------------------------------------------------------- minutes: publish, ask


def test_publishing_the_minutes_notifies_the_participants(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague)
    # A participant sees the minutes but may not publish them (403, as the page); others do not see them (404).
    refused = send(login(people.colleague), "post", f"/{m.pk}/minutes/publish")
    assert refused.status_code == 403 and refused.json() == {"detail": "Vous n’avez pas le droit de faire cela."}
    assert send(login(people.other_sector), "post", f"/{m.pk}/minutes/publish").status_code == 404
    assert send(login(people.outsider), "post", f"/{m.pk}/minutes/publish", headers=OTHER).status_code == 404
    assert send(login(people.owner), "post", "/999999/minutes/publish").json() == {"detail": "Introuvable."}
    assert Minutes.objects.get(meeting=m).status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        response = send(login(people.owner), "post", f"/{m.pk}/minutes/publish")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published" and response.json()["can_write"] is True
    assert Minutes.objects.get(meeting=m).status == "published"
    assert Notification.objects.filter(recipient=people.colleague, title="Compte-rendu publié : COORDO de mars").exists()
    assert login(people.colleague).get(f"/api/v1/meetings/{m.pk}/minutes", headers=H).json()["can_write"] is False


def test_the_organiser_asks_participants_for_their_part(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague, people.other_sector)
    client = login(people.owner)
    assert errors(send(client, "post", f"/{m.pk}/minutes/ask", {"people": [people.outsider.pk]})) == {
        "people": "Cette personne ne participe pas à cette réunion."}
    assert errors(send(client, "post", f"/{m.pk}/minutes/ask", {"people": []})) == {"people": "Choisissez au moins un participant."}
    assert errors(send(client, "post", f"/{m.pk}/minutes/ask", {"people": "tous"}))["people"] == "Saisissez une liste."
    for person, headers in ((people.colleague, H), (people.outsider, OTHER)):
        assert send(login(person), "post", f"/{m.pk}/minutes/ask", {"people": [people.other_sector.pk]}, headers=headers).status_code == 404
    assert not Participant.objects.filter(asked_to_contribute_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(login(people.owner), "post", f"/{m.pk}/minutes/ask", {"people": [people.colleague.pk]})
    assert response.status_code == 200 and response.json() == {"asked": 1}
    asked = Participant.objects.filter(asked_to_contribute_at__isnull=False)
    assert [p.membership.user for p in asked] == [people.colleague]
    assert Notification.objects.filter(recipient=people.colleague, title="Ajoutez votre partie au compte-rendu : COORDO de mars").exists()
    publish(m)
    assert errors(send(client, "post", f"/{m.pk}/minutes/ask", {"people": [people.colleague.pk]})) == {"": "Ce compte-rendu est publié."}


# ---------------------------------------------------------------- outcomes


def test_outcomes_are_recorded_corrected_and_removed(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA)
    owner, colleague = client_of(people.owner), client_of(people.colleague)
    decision = send(owner, "post", f"/{m.pk}/outcomes", {"item": 3, "kind": "decision", "text": "Budget validé"})
    assert decision.status_code == 201, decision.content
    assert decision.json() | {"id": None} == {"id": None, "item": 3, "kind": "decision", "text": "Budget validé",
                                              "reference": "Décision 2030-01", "task_id": None, "assignee": None, "due": None}
    with django_capture_on_commit_callbacks(execute=True):
        task = send(owner, "post", f"/{m.pk}/outcomes", {"item": 2, "kind": "task", "text": "Réserver la salle des fêtes",
                                                         "assignee": people.colleague.pk, "due": "2030-03-20"})
    assert task.status_code == 201, task.content
    created = Task.objects.get()
    assert task.json()["task_id"] == created.pk and task.json()["assignee"] == people.colleague.pk and task.json()["due"] == "2030-03-20"
    assert (created.description, created.assignee.user, created.due) == ("Réserver la salle des fêtes", people.colleague, date(2030, 3, 20))
    assert Notification.objects.filter(recipient=people.colleague, title="Nouvelle tâche : Réserver la salle des fêtes").exists()
    listed = colleague.get(f"/api/v1/meetings/{m.pk}/outcomes", headers=H).json()
    assert [(o["id"], o["reference"]) for o in listed] == [(task.json()["id"], ""), (decision.json()["id"], "Décision 2030-01")]
    # A participant corrects the decision (its number stays) and the task (which follows).
    fixed = send(colleague, "put", f"/{m.pk}/outcomes/{decision.json()['id']}", {"item": 3, "text": "Budget validé à l’unanimité"})
    assert fixed.status_code == 200 and (fixed.json()["text"], fixed.json()["reference"]) == ("Budget validé à l’unanimité", "Décision 2030-01")
    moved = send(colleague, "put", f"/{m.pk}/outcomes/{task.json()['id']}", {"item": 1, "text": "Réserver la salle",
                                                                            "assignee": people.other_sector.pk, "due": None})
    assert moved.status_code == 200 and moved.json()["assignee"] == people.other_sector.pk
    created.refresh_from_db()
    assert (created.description, created.assignee.user, created.due) == ("Réserver la salle", people.other_sector, None)
    # The task recorded by mistake is removed with its outcome.
    assert send(colleague, "delete", f"/{m.pk}/outcomes/{task.json()['id']}").status_code == 204
    assert not Task.objects.exists() and list(Outcome.objects.values_list("text", flat=True)) == ["Budget validé à l’unanimité"]
    # Once published: a participant no longer changes them; a numbered decision is corrected, not removed.
    publish(m)
    assert send(colleague, "post", f"/{m.pk}/outcomes", {"item": 1, "kind": "information", "text": "Après coup"}).status_code == 404
    assert send(colleague, "delete", f"/{m.pk}/outcomes/{decision.json()['id']}").status_code == 404
    assert errors(send(owner, "delete", f"/{m.pk}/outcomes/{decision.json()['id']}")) == {
        "": "Décision 2030-01 figure dans un compte-rendu publié : corrigez son texte au lieu de la retirer."}
    assert Outcome.objects.count() == 1


def test_bad_outcomes_are_refused_in_french_and_nothing_is_recorded(people, login):
    m = meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA)
    client = login(people.owner)
    path = f"/{m.pk}/outcomes"
    assert errors(send(client, "post", path, {"item": 1, "kind": "vote", "text": "Oui"})) == {"kind": "Choisissez information, décision ou tâche."}
    assert errors(send(client, "post", path, {"item": 7, "kind": "information", "text": "Oui"})) == {"item": "Choisissez un point de l’ordre du jour."}
    assert errors(send(client, "post", path, {"item": 1, "kind": "information", "text": " "})) == {
        "text": "Écrivez l’information, la décision ou la tâche."}
    assert errors(send(client, "post", path, {"item": 1, "kind": "task", "text": "Appeler la mairie"})) == {"assignee": "Choisissez qui fait la tâche."}
    assert errors(send(client, "post", path, {"item": 1, "kind": "task", "text": "Appeler la mairie", "assignee": people.outsider.pk})) == {
        "assignee": "Choisissez un membre de l’organisation."}
    assert errors(send(client, "post", path, {"item": "premier", "kind": "information", "text": "Oui"})) == {"item": "Saisissez un nombre entier."}
    assert errors(send(client, "post", path, {"kind": "information", "text": "Oui"})) == {"item": "Ce champ est obligatoire."}
    assert not Outcome.objects.exists() and not Task.objects.exists()
    task = record(m, people.owner, "task", "Appeler la mairie", assignee=membership(people.colleague, people.org))
    assert errors(send(client, "put", f"{path}/{task.pk}", {"item": 1, "text": "Appeler la mairie", "assignee": people.outsider.pk})) == {
        "assignee": "Choisissez un membre de l’organisation."}
    assert errors(send(client, "put", f"{path}/{task.pk}", {"item": 1, "text": "Appeler la mairie"})) == {"assignee": "Choisissez qui fait la tâche."}
    assert Task.objects.get().assignee.user == people.colleague


def test_outcomes_are_out_of_reach_of_those_who_may_not_edit_the_minutes(people, login):
    m = meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA)
    other = meeting(people.org, people.owner, people.colleague, start=at(2030, 3, 19, 14), agenda_text=AGENDA)
    decision = record(m, people.owner, "decision", "Budget validé")
    elsewhere = record(other, people.owner, "information", "Autre réunion")
    new = {"item": 1, "kind": "information", "text": "Piraté"}
    coordinator = people.with_role(Role.COORDINATOR)  # sees the meeting, is not a participant
    for person in (people.other_sector, coordinator):
        client = login(person)
        assert send(client, "post", f"/{m.pk}/outcomes", new).status_code == 404
        assert send(client, "put", f"/{m.pk}/outcomes/{decision.pk}", {"item": 1, "text": "Piraté"}).status_code == 404
        assert send(client, "delete", f"/{m.pk}/outcomes/{decision.pk}").status_code == 404
    outsider = login(people.outsider)
    assert send(outsider, "post", f"/{m.pk}/outcomes", new, headers=OTHER).status_code == 404
    assert send(outsider, "put", f"/{m.pk}/outcomes/{decision.pk}", {"item": 1, "text": "Piraté"}, headers=OTHER).status_code == 404
    assert outsider.get(f"/api/v1/meetings/{m.pk}/outcomes", headers=OTHER).status_code == 404
    # An outcome of another meeting through this one's address.
    assert send(login(people.owner), "delete", f"/{m.pk}/outcomes/{elsewhere.pk}").status_code == 404
    assert sorted(Outcome.objects.values_list("text", flat=True)) == ["Autre réunion", "Budget validé"]


def test_listing_more_outcomes_takes_no_more_queries(people, login, django_assert_max_num_queries):
    m = meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA)
    client = login(people.colleague)
    record(m, people.owner, "task", "Première", assignee=membership(people.colleague, people.org))
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(f"/api/v1/meetings/{m.pk}/outcomes", headers=H).json()) == 1
    for n in range(4):
        record(m, people.owner, "task", f"Tâche {n}", assignee=membership(people.other_sector, people.org))
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(f"/api/v1/meetings/{m.pk}/outcomes", headers=H).json()) == 5


# ---------------------------------------------------------------- attendance


def test_attendance_of_participants_and_guests_is_recorded(people, login):
    caf = contact(people.org)
    m = meeting(people.org, people.owner, people.colleague, people.other_sector, contacts=[caf])
    guest = Guest.objects.get()
    client = login(people.colleague)  # a participant records it, as on the page
    response = send(client, "put", f"/{m.pk}/attendance", {"participants": {people.owner.pk: "present", people.colleague.pk: "excused"},
                                                           "guests": {guest.pk: "absent"}})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["changed"] == 3
    assert {p["user_id"]: p["attendance"] for p in data["participants"]} == {
        people.owner.pk: "present", people.colleague.pk: "excused", people.other_sector.pk: ""}
    assert data["guests"] == [{"id": guest.pk, "name": "Claire Dupuis", "organisation": "CAF de Claire Dupuis", "answer": "pending",
                               "attendance": "absent"}]
    assert Participant.objects.get(meeting=m, membership__user=people.colleague).attendance == "excused"
    assert Guest.objects.get().attendance == "absent"
    cleared = send(client, "put", f"/{m.pk}/attendance", {"participants": {people.colleague.pk: ""}})
    assert cleared.json()["changed"] == 1 and Participant.objects.get(meeting=m, membership__user=people.colleague).attendance == ""


def test_bad_attendance_is_refused_in_french_and_nothing_changes(people, login):
    m = meeting(people.org, people.owner, people.colleague, contacts=[contact(people.org)])
    other = meeting(people.org, people.owner, people.colleague, start=at(2030, 3, 19, 14), contacts=[contact(people.org, "Jean Martin", "jean@ville.test")])
    their_guest = Guest.objects.get(meeting=other)
    client = login(people.owner)
    path = f"/{m.pk}/attendance"
    assert errors(send(client, "put", path, {"participants": {people.owner.pk: "present", people.colleague.pk: "en retard"}})) == {
        f"participants.{people.colleague.pk}": "Choisissez présent, excusé ou absent."}
    assert errors(send(client, "put", path, {"participants": {people.outsider.pk: "present"}})) == {
        f"participants.{people.outsider.pk}": "Cette personne ne participe pas à cette réunion."}
    assert errors(send(client, "put", path, {"guests": {their_guest.pk: "present"}})) == {
        f"guests.{their_guest.pk}": "Ce contact extérieur n’est pas invité à cette réunion."}
    assert errors(send(client, "put", path, {"guests": {Guest.objects.get(meeting=m).pk: "oui"}})) == {
        f"guests.{Guest.objects.get(meeting=m).pk}": "Choisissez présent, excusé ou absent."}
    assert errors(send(client, "put", path, {"participants": {"moi": "present"}}))["participants.moi.[key]"] == "Saisissez un nombre entier."
    assert not Participant.objects.exclude(attendance="").exists() and not Guest.objects.exclude(attendance="").exists()


def test_attendance_is_out_of_reach_of_those_who_may_not_edit_the_minutes(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    marks = {"participants": {people.colleague.pk: "absent"}}
    coordinator = send(login(people.with_role(Role.COORDINATOR)), "put", f"/{m.pk}/attendance", marks)
    assert coordinator.status_code == 403 and coordinator.json() == {"detail": "Vous n’avez pas le droit de faire cela."}
    assert send(login(people.other_sector), "put", f"/{m.pk}/attendance", marks).status_code == 404
    assert send(login(people.outsider), "put", f"/{m.pk}/attendance", marks, headers=OTHER).status_code == 404
    publish(m)  # published: the organiser still corrects it, a participant no longer
    assert send(login(people.colleague), "put", f"/{m.pk}/attendance", marks).status_code == 403
    assert not Participant.objects.exclude(attendance="").exists()
    assert send(login(people.owner), "put", f"/{m.pk}/attendance", marks).json()["changed"] == 1


def test_recording_more_attendance_takes_no_more_queries(people, login):
    extra = [make_member(people.org, username=f"membre{i}") for i in range(4)]
    small = meeting(people.org, people.owner, people.colleague)
    large = meeting(people.org, people.owner, people.colleague, *extra, start=at(2030, 3, 19, 14))
    client = login(people.owner)
    counts = []
    for m, marked in ((small, [people.colleague]), (large, [people.colleague, *extra])):
        with CaptureQueriesContext(connection) as queries:
            response = send(client, "put", f"/{m.pk}/attendance", {"participants": {u.pk: "present" for u in marked}})
        assert response.json()["changed"] == len(marked)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------- tasks


def test_a_participant_adds_a_task_and_the_assignee_is_notified(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(login(people.colleague), "post", f"/{m.pk}/tasks",
                        {"description": "Réserver le car", "assignee": people.owner.pk, "due": "2030-03-20"})
    assert response.status_code == 201, response.content
    task = Task.objects.get()
    assert response.json() == {"id": task.pk, "description": "Réserver le car", "due": "2030-03-20", "done": False, "done_at": None,
                               "meeting_id": m.pk, "meeting_title": "COORDO de mars"}
    assert (task.assignee.user, task.meeting, task.created_by) == (people.owner, m, people.colleague)
    assert Notification.objects.filter(recipient=people.owner, title="Nouvelle tâche : Réserver le car").exists()
    assert [t["id"] for t in login(people.owner).get("/api/v1/meetings/tasks", headers=H).json()] == [task.pk]


def test_bad_tasks_and_those_who_may_not_add_one_are_refused(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    client = login(people.owner)
    path = f"/{m.pk}/tasks"
    assert errors(send(client, "post", path, {"description": "  ", "assignee": people.colleague.pk})) == {"description": "Décrivez la tâche."}
    assert errors(send(client, "post", path, {"description": "Car", "assignee": people.outsider.pk})) == {
        "assignee": "Choisissez un membre de l’organisation."}
    assert errors(send(client, "post", path, {"description": "x" * 301, "assignee": people.colleague.pk})) == {
        "description": "Cette valeur est trop longue (300 caractères au plus)."}
    assert errors(send(client, "post", path, {"description": "Car", "assignee": people.colleague.pk, "due": "demain"}))["due"]
    assert errors(send(client, "post", path, {"description": "Car"})) == {"assignee": "Ce champ est obligatoire."}
    task = {"description": "Car", "assignee": people.colleague.pk}
    coordinator = send(login(people.with_role(Role.COORDINATOR)), "post", path, task)  # sees the meeting, does not write its minutes
    assert coordinator.status_code == 403
    assert send(login(people.other_sector), "post", path, task).status_code == 404
    assert send(login(people.outsider), "post", path, task, headers=OTHER).status_code == 404
    assert not Task.objects.exists()


# ---------------------------------------------------------------- schema


def test_the_new_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/meetings/{meeting_id}": {"get", "patch"},
        "/api/v1/meetings/{meeting_id}/cancel": {"post"},
        "/api/v1/meetings/{meeting_id}/minutes/publish": {"post"},
        "/api/v1/meetings/{meeting_id}/minutes/ask": {"post"},
        "/api/v1/meetings/{meeting_id}/outcomes": {"get", "post"},
        "/api/v1/meetings/{meeting_id}/outcomes/{outcome_id}": {"put", "delete"},
        "/api/v1/meetings/{meeting_id}/attendance": {"put"},
        "/api/v1/meetings/{meeting_id}/tasks": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) == methods, (path, set(paths[path]))
        assert all(paths[path][method]["summary"] for method in methods)
    assert "409" in paths["/api/v1/meetings/{meeting_id}"]["patch"]["responses"]
    assert "201" in paths["/api/v1/meetings/{meeting_id}/outcomes"]["post"]["responses"]
