"""Changing a meeting's time or place sends a new REQUEST (SEQUENCE + 1); cancelling sends
METHOD:CANCEL; both parsed back with icalendar. Reminders the day before (periodic job)."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from maillon.agenda.models import Allocation
from maillon.meetings import services, services_minutes
from maillon.meetings.models import Meeting
from maillon.notifications.models import Notification

from .helpers import at, meeting, membership, room

pytestmark = pytest.mark.django_db


def room_of(m):
    return services.booked_resources(m)[0]


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def parsed(message):
    name, content, mimetype = message.attachments[0]
    cal = Calendar.from_ical(content)
    return name, mimetype, cal, next(iter(cal.walk("VEVENT")))


def test_a_new_time_and_place_send_an_update_with_a_higher_sequence(people, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = meeting(people.org, people.owner, people.colleague, room=room(people.org))
    _n, _m, _c, first = parsed(mail.outbox[0])
    assert int(first["sequence"]) == 0
    mail.outbox.clear()
    client = login(people.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(m, "modifier/"), {"day": "2030-03-13", "start_time": "09:30", "end_time": "11:00",
                                                     "place": "Salle du conseil"})
    assert response.status_code == 302
    m = Meeting.objects.get()
    assert m.sequence == 1 and m.start == at(2030, 3, 13, 9, 30) and m.event.place == "Salle du conseil"
    assert Allocation.objects.filter(occurrence__event=m.event, active=True, start=at(2030, 3, 13, 9, 30)).count() == 3
    assert [e.to for e in mail.outbox] == [["collegue@exemple.test"]]
    message = mail.outbox[0]
    assert message.subject == "Réunion modifiée : COORDO de mars"
    assert "mercredi 13 mars 2030 à 09:30" in message.body and "/reunions/reponse/" in message.body
    name, mimetype, cal, event = parsed(message)
    assert name == "invitation.ics" and mimetype.startswith("text/calendar; method=REQUEST")
    assert str(cal["method"]) == "REQUEST" and int(event["sequence"]) == 1
    assert str(event["uid"]) == f"meeting-{m.pk}@maillon" and str(event["location"]) == "Salle du conseil"
    assert event.decoded("dtstart") == at(2030, 3, 13, 9, 30) and event.decoded("dtend") == at(2030, 3, 13, 11)


def test_cancelling_sends_a_cancel_and_frees_the_agenda(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague, people.other_sector, room=room(people.org))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert login(people.owner).post(url(m, "annuler/")).status_code == 302
    m = Meeting.objects.get()
    assert m.cancelled_at and m.sequence == 1
    assert not Allocation.objects.filter(occurrence__event=m.event, active=True).exists()
    assert sorted(e.to[0] for e in mail.outbox) == ["autresecteur@exemple.test", "collegue@exemple.test"]
    message = mail.outbox[0]
    assert message.subject == "Réunion annulée : COORDO de mars" and "est annulée" in message.body
    name, mimetype, cal, event = parsed(message)
    assert mimetype.startswith("text/calendar; method=CANCEL") and str(cal["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    assert str(event["uid"]) == f"meeting-{m.pk}@maillon"
    assert Notification.objects.filter(recipient=people.colleague, title="Réunion annulée : COORDO de mars").exists()
    page = login(people.colleague).get(url(m)).content.decode()
    assert "Cette réunion a été annulée" in page


def test_only_the_organiser_changes_or_cancels(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    data = {"day": "2030-03-13", "start_time": "09:30", "end_time": "11:00", "place": ""}
    assert login(people.colleague).post(url(m, "modifier/"), data).status_code == 404
    assert login(people.colleague).post(url(m, "annuler/")).status_code == 404
    assert login(people.outsider).post(url(m, "annuler/")).status_code == 404
    assert login(people.with_role("coordinator")).post(url(m, "annuler/")).status_code == 404
    m.refresh_from_db()
    assert m.sequence == 0 and m.cancelled_at is None


def test_a_bad_change_says_why_in_french_and_keeps_the_input(people, login):
    salle = room(people.org)
    m = meeting(people.org, people.owner, room=salle)
    meeting(people.org, people.colleague, room=salle, start=at(2030, 3, 13, 9), title="Autre réunion")
    client = login(people.owner)
    backwards = client.post(url(m, "modifier/"), {"day": "2030-03-12", "start_time": "15:00", "end_time": "14:00", "place": "Ici"})
    assert backwards.status_code == 400 and "La fin doit être après le début." in backwards.content.decode()
    taken = client.post(url(m, "modifier/"), {"day": "2030-03-13", "start_time": "09:30", "end_time": "10:30", "place": "Là-bas"})
    page = taken.content.decode()
    assert taken.status_code == 400 and "réservation existante" in page and 'value="Là-bas"' in page
    nonsense = client.post(url(m, "modifier/"), {"day": "bientôt", "start_time": "9h", "end_time": "", "place": ""})
    assert nonsense.status_code == 400 and "Saisissez une date valide." in nonsense.content.decode()
    m.refresh_from_db()
    assert m.sequence == 0 and m.start == at(2030, 3, 12, 14)


def test_participants_are_reminded_the_day_before_once(people):
    from maillon.core import periodic

    assert "meetings.reminders" in periodic.JOBS
    now = timezone.now()
    tomorrow = timezone.localtime(now) + timedelta(days=1)
    start = datetime.combine(tomorrow.date(), datetime.min.time().replace(hour=10), tzinfo=tomorrow.tzinfo)
    m = meeting(people.org, people.owner, people.colleague, people.other_sector, start=start)
    later = meeting(people.org, people.owner, people.colleague, start=start + timedelta(days=2), title="Plus tard")
    services.answer(m.participants.get(membership__user=people.other_sector), "declined")
    services_minutes.add_task(membership(people.owner, people.org), later, assignee=membership(people.colleague, people.org),
                      description="Préparer les chiffres", due=tomorrow.date(), participant_ids=set())
    assert services.send_reminders(now) == 3  # the owner, the colleague, and the colleague's task
    reminded = set(Notification.objects.filter(title__startswith="Demain à 10:00").values_list("recipient__username", flat=True))
    assert reminded == {"proprietaire", "collegue"}
    assert Notification.objects.filter(recipient=people.colleague, title="Tâche à rendre demain : Préparer les chiffres").exists()
    assert services.send_reminders(now) == 1  # the meeting is not reminded twice (the task is, each day it is due tomorrow)
    services.cancel_meeting(membership(people.owner, people.org), later)


def test_changing_the_room_books_it_in_the_agenda_and_sends_an_update(people, login, django_capture_on_commit_callbacks):
    from maillon.audit.models import AuditEntry

    from .test_guests import contact

    chene, tilleul = room(people.org), room(people.org, "Salle Le Tilleul")
    partner = contact(people.org, name="Mme Durand", email="durand@mairie.test")
    with django_capture_on_commit_callbacks(execute=True):
        m = meeting(people.org, people.owner, people.colleague, room=chene, contacts=[partner])
    assert m.event.place == "Salle Le Chêne"
    mail.outbox.clear()
    client = login(people.owner)
    page = client.get(url(m, "modifier/")).content.decode()  # the « change the meeting » page
    assert "Changer la date, la salle ou le lieu" in page and f'<option value="{chene.pk}" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(m, "modifier/"), {"day": "2030-03-12", "start_time": "14:00", "end_time": "16:00",
                                                     "room": tilleul.pk, "place": "Salle Le Chêne"})
    assert response.status_code == 302
    m = Meeting.objects.get()
    assert m.sequence == 1 and m.event.place == "Salle Le Tilleul" and room_of(m) == tilleul
    booked = Allocation.objects.filter(occurrence__event=m.event, active=True, resource__isnull=False)
    assert [a.resource for a in booked] == [tilleul]
    assert sorted(e.to[0] for e in mail.outbox) == ["collegue@exemple.test", "durand@mairie.test"]
    for message in mail.outbox:
        _name, _mimetype, cal, event = parsed(message)
        assert str(cal["method"]) == "REQUEST" and int(event["sequence"]) == 1 and str(event["location"]) == "Salle Le Tilleul"
    entry = AuditEntry.objects.filter(action="meetings.reschedule").get()
    assert entry.data["room_from"] == chene.pk and entry.data["room"] == tilleul.pk
    # the old room is free again at that time
    other = meeting(people.org, people.other_sector, room=chene, title="Autre réunion")
    assert room_of(other) == chene


def test_a_room_already_booked_is_said_on_the_field_and_nothing_changes(people, login, django_capture_on_commit_callbacks):
    chene, tilleul = room(people.org), room(people.org, "Salle Le Tilleul")
    m = meeting(people.org, people.owner, people.colleague, room=chene)
    meeting(people.org, people.other_sector, room=tilleul, start=at(2030, 3, 12, 15), title="Atelier parents")
    mail.outbox.clear()
    client = login(people.owner)
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(url(m, "modifier/"), {"day": "2030-03-12", "start_time": "14:00", "end_time": "16:00",
                                                  "room": tilleul.pk, "place": "Salle Le Chêne"})
    page = taken.content.decode()
    assert taken.status_code == 400
    assert "« Salle Le Tilleul » indisponible (réservation existante « Atelier parents »" in page
    assert 'id="id_room_error"' in page and f'<option value="{tilleul.pk}" selected>' in page
    m = Meeting.objects.get(pk=m.pk)
    assert m.sequence == 0 and room_of(m) == chene and m.event.place == "Salle Le Chêne" and not mail.outbox
    # moved to a free time in that room: fine, the people and the room are checked at the new time
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(url(m, "modifier/"), {"day": "2030-03-12", "start_time": "09:00", "end_time": "11:00",
                                                  "room": tilleul.pk, "place": "Salle Le Chêne"})
    assert moved.status_code == 302
    m = Meeting.objects.get(pk=m.pk)
    assert m.sequence == 1 and room_of(m) == tilleul and m.start == at(2030, 3, 12, 9)


def test_a_room_of_another_organisation_or_a_bad_value_is_refused(people, login):
    chene = room(people.org)
    elsewhere = room(people.other_org, "Salle d'ailleurs")
    m = meeting(people.org, people.owner, room=chene)
    client = login(people.owner)
    for value in (elsewhere.pk, "salle"):
        response = client.post(url(m, "modifier/"), {"day": "2030-03-12", "start_time": "14:00", "end_time": "16:00",
                                                      "room": value, "place": ""})
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert login(people.outsider).post(url(m, "modifier/"), {"day": "2030-03-12", "start_time": "14:00", "end_time": "16:00",
                                                             "room": chene.pk}).status_code == 404
    assert login(people.with_role("coordinator")).post(url(m, "modifier/"), {
        "day": "2030-03-12", "start_time": "14:00", "end_time": "16:00", "room": ""}).status_code == 404
    m = Meeting.objects.get(pk=m.pk)
    assert m.sequence == 0 and room_of(m) == chene
    # removing the room frees it
    assert login(people.owner).post(url(m, "modifier/"), {"day": "2030-03-12", "start_time": "14:00", "end_time": "16:00", "room": "",
                                             "place": "Salle Le Chêne"}).status_code == 302
    m = Meeting.objects.get(pk=m.pk)
    assert room_of(m) is None and m.event.place == "" and m.sequence == 1


def test_external_guests_are_reminded_by_e_mail_the_day_before_once(people):
    from .test_guests import contact

    now = timezone.now()
    tomorrow = timezone.localtime(now) + timedelta(days=1)
    start = datetime.combine(tomorrow.date(), datetime.min.time().replace(hour=10), tzinfo=tomorrow.tzinfo)
    ines, paul = contact(people.org), contact(people.org, name="Paul Roux", email="paul.roux@mairie.test", partner="Mairie")
    m = meeting(people.org, people.owner, start=start, contacts=[ines, paul], room=room(people.org), send_email=False)
    services.answer_guest(m.guests.get(email="paul.roux@mairie.test"), "declined")
    elsewhere = meeting(people.other_org, people.outsider, start=start, title="Ailleurs", send_email=False)
    assert elsewhere.guests.count() == 0
    mail.outbox.clear()
    # the two organisers (notifications) and Inès (e-mail); Paul declined
    assert services.send_reminders(now) == 3
    assert [e.to for e in mail.outbox] == [["ines.caffort@caf.example"]]
    message = mail.outbox[0]
    assert message.subject == "Rappel : COORDO de mars demain"
    assert "a lieu demain" in message.body and "à 10:00" in message.body and "Salle Le Chêne" in message.body
    assert "/reunions/reponse/" in message.body
    assert services.send_reminders(now) == 0 and len(mail.outbox) == 1  # once
