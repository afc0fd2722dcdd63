"""Changing a meeting's time or place sends a new REQUEST (SEQUENCE + 1); cancelling sends
METHOD:CANCEL; both parsed back with icalendar. Reminders the day before (periodic job)."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from maillon.agenda.models import Allocation
from maillon.meetings import services
from maillon.meetings.models import Meeting
from maillon.notifications.models import Notification

from .helpers import at, meeting, membership, room

pytestmark = pytest.mark.django_db


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
    assert taken.status_code == 400 and "déjà réservé" in page and 'value="Là-bas"' in page
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
    services.add_task(membership(people.owner, people.org), later, assignee=membership(people.colleague, people.org),
                      description="Préparer les chiffres", due=tomorrow.date(), participant_ids=set())
    assert services.send_reminders(now) == 3  # the owner, the colleague, and the colleague's task
    reminded = set(Notification.objects.filter(title__startswith="Demain à 10:00").values_list("recipient__username", flat=True))
    assert reminded == {"proprietaire", "collegue"}
    assert Notification.objects.filter(recipient=people.colleague, title="Tâche à rendre demain : Préparer les chiffres").exists()
    assert services.send_reminders(now) == 1  # the meeting is not reminded twice (the task is, each day it is due tomorrow)
    services.cancel_meeting(membership(people.owner, people.org), later)
