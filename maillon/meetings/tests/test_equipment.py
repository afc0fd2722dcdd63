"""A meeting books its room and its equipment (projector, laptop, minibus…) through the agenda's
conflict engine: on creation, when it moves, when its equipment changes; another organisation's
items are refused; the API takes and returns them too."""

import json

import pytest
from django.core.exceptions import ValidationError

from maillon.agenda import services as agenda
from maillon.agenda.models import Allocation, Event, Resource
from maillon.meetings.models import Meeting

from .helpers import at, coordo_type, meeting, membership, room

pytestmark = pytest.mark.django_db


def item(org, name="Vidéoprojecteur"):
    return Resource.objects.create(organisation=org, name=name, kind=Resource.Kind.EQUIPMENT, category=Resource.Category.PROJECTOR)


def booked(m):
    return sorted(Allocation.objects.filter(occurrence__event=m.event, active=True, resource__isnull=False)
                  .values_list("resource__name", flat=True))


def form_data(people, **extra):
    return {"title": "COPIL fête de quartier", "meeting_type": coordo_type(people.org).pk, "day": "2030-03-12",
            "start_time": "14:00", "end_time": "16:00", "people": [membership(people.colleague, people.org).pk], **extra}


def test_it_books_the_room_and_the_equipment_of_a_new_meeting(people, login):
    salle, projector, laptop = room(people.org), item(people.org), item(people.org, "Ordinateur portable")
    client = login(people.owner)
    form = client.get("/essais/reunions/nouvelle/").content.decode()
    assert 'name="equipment"' in form and "Vidéoprojecteur" in form and "Ordinateur portable" in form
    response = client.post("/essais/reunions/nouvelle/", form_data(people, room=salle.pk, equipment=[projector.pk, laptop.pk]))
    assert response.status_code == 302
    m = Meeting.objects.get()
    assert booked(m) == ["Ordinateur portable", "Salle Le Chêne", "Vidéoprojecteur"]
    page = login(people.colleague).get(f"/essais/reunions/{m.pk}/").content.decode()
    assert "Ordinateur portable, Vidéoprojecteur" in page


def test_equipment_already_booked_is_refused_and_nothing_is_created(people, login):
    projector = item(people.org)
    agenda.create_event(membership(people.other_sector, people.org), title="Ciné-club", start=at(2030, 3, 12, 15),
                        end=at(2030, 3, 12, 17), resources=[projector])
    response = login(people.owner).post("/essais/reunions/nouvelle/", form_data(people, equipment=[projector.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vidéoprojecteur" in page and "Ciné-club" in page
    assert not Meeting.objects.exists() and Event.objects.filter(kind=Event.Kind.MEETING).count() == 0
    assert response.context["form"].data.getlist("equipment") == [str(projector.pk)]  # nothing typed is lost


def test_another_organisations_item_is_not_a_choice(people, login):
    item(people.org, "Ordinateur portable")
    theirs = item(people.other_org)
    response = login(people.owner).post("/essais/reunions/nouvelle/", form_data(people, equipment=[theirs.pk]))
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "equipment" in response.context["form"].errors
    with pytest.raises(ValidationError) as refused:
        meeting(people.org, people.owner, equipment=[theirs])
    assert list(refused.value.message_dict) == ["equipment"]


def test_changing_the_equipment_frees_the_old_items_and_checks_the_new_ones(people, login):
    salle, projector, laptop, minibus = room(people.org), item(people.org), item(people.org, "Ordinateur portable"), item(people.org, "Minibus")
    m = meeting(people.org, people.owner, people.colleague, room=salle, equipment=[projector])
    agenda.create_event(membership(people.other_sector, people.org), title="Sortie à la ferme", start=at(2030, 3, 12, 13),
                        end=at(2030, 3, 12, 18), resources=[minibus])
    client = login(people.owner)
    edit = client.get(f"/essais/reunions/{m.pk}/modifier/").content.decode()
    assert f'name="equipment" value="{projector.pk}"' in edit and "checked" in edit.split(f'value="{projector.pk}"')[1][:40]
    base = {"day": "2030-03-12", "start_time": "14:00", "end_time": "16:00", "place": "Salle Le Chêne", "room": salle.pk}
    taken = client.post(f"/essais/reunions/{m.pk}/modifier/", {**base, "equipment": [laptop.pk, minibus.pk]})
    assert taken.status_code == 400 and "Sortie à la ferme" in taken.content.decode()
    assert booked(m) == ["Salle Le Chêne", "Vidéoprojecteur"]  # nothing changed
    assert Meeting.objects.get().sequence == 0
    response = client.post(f"/essais/reunions/{m.pk}/modifier/", {**base, "equipment": [laptop.pk]})
    assert response.status_code == 302
    assert booked(m) == ["Ordinateur portable", "Salle Le Chêne"]
    assert Meeting.objects.get().sequence == 1  # the participants are told
    cancelled = Allocation.objects.get(occurrence__event=m.event, resource=projector)
    assert not cancelled.active and cancelled.status == Allocation.Status.CANCELLED


def test_moving_the_meeting_moves_its_equipment_and_checks_it_at_the_new_time(people, login):
    projector = item(people.org)
    m = meeting(people.org, people.owner, people.colleague, equipment=[projector])
    agenda.create_event(membership(people.other_sector, people.org), title="Ciné-club", start=at(2030, 3, 13, 9),
                        end=at(2030, 3, 13, 12), resources=[projector])
    client = login(people.owner)
    clash = client.post(f"/essais/reunions/{m.pk}/modifier/", {"day": "2030-03-13", "start_time": "10:00", "end_time": "11:00",
                                                               "place": "", "room": "", "equipment": [projector.pk]})
    assert clash.status_code == 400 and Meeting.objects.get().start == at(2030, 3, 12, 14)
    moved = client.post(f"/essais/reunions/{m.pk}/modifier/", {"day": "2030-03-14", "start_time": "10:00", "end_time": "11:00",
                                                               "place": "", "room": "", "equipment": [projector.pk]})
    assert moved.status_code == 302
    allocation = Allocation.objects.get(occurrence__event=m.event, resource=projector, active=True)
    assert allocation.start == at(2030, 3, 14, 10)


def test_the_api_books_equipment_and_lists_what_is_booked(people, login):
    salle, projector = room(people.org), item(people.org)
    client = login(people.owner)
    payload = {"title": "COPIL", "meeting_type": coordo_type(people.org).pk, "start": "2030-03-12T14:00:00+01:00",
               "end": "2030-03-12T16:00:00+01:00", "room": salle.pk, "equipment": [projector.pk]}
    response = client.post("/api/v1/meetings", json.dumps(payload), content_type="application/json", HTTP_X_ORGANISATION="essais")
    assert response.status_code == 201, response.content
    assert [(r["name"], r["kind"]) for r in response.json()["resources"]] == [("Salle Le Chêne", "room"), ("Vidéoprojecteur", "equipment")]
    theirs = item(people.other_org)
    refused = client.post("/api/v1/meetings", json.dumps({**payload, "room": None, "equipment": [theirs.pk]}),
                          content_type="application/json", HTTP_X_ORGANISATION="essais")
    assert refused.status_code in (400, 422) and Meeting.objects.count() == 1


def test_a_mail_server_down_fails_the_background_task_not_the_page(people, login, monkeypatch, django_capture_on_commit_callbacks):
    from smtplib import SMTPServerDisconnected

    from django.core.mail import EmailMessage

    tried = []

    def down(self, fail_silently=False):
        tried.append(self.to)
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMessage, "send", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people.owner).post("/essais/reunions/nouvelle/", form_data(people))
    assert response.status_code == 302  # the organiser sees the meeting, not an error page
    assert Meeting.objects.get().participants.count() == 2
    assert tried == [["collegue@exemple.test"]]  # the worker's task tried, and failed on its own
