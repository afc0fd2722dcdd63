"""Seed 001 §2D: people receive their tasks and the minutes. Under the defaults, a task given at
a meeting and published minutes reach each person in the next morning's digest, by e-mail."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillon.meetings import services_minutes
from maillon.meetings.models import Minutes
from maillon.meetings.tests.helpers import meeting as make_meeting
from maillon.meetings.tests.helpers import membership
from maillon.notifications.digest import send_digests
from maillon.notifications.services import set_preferences

BASE = "https://intranet.exemple.fr"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.MAILLON_BASE_URL = BASE


def _tomorrow_morning() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(7, 30)))


def _to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_task_given_at_a_meeting_reaches_the_assignee_in_the_digest(people, django_capture_on_commit_callbacks):
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services_minutes.add_task(membership(people.owner, people.org), meeting, assignee=membership(people.colleague, people.org),
                                  description="Réserver le car pour la sortie",
                                  participant_ids=set(meeting.participants.values_list("membership_id", flat=True)))
    assert _to(people.colleague) == []  # the default for tasks: the digest, not at once
    assert send_digests(now=_tomorrow_morning()) == 1
    [digest] = _to(people.colleague)
    assert "Nouvelle tâche : Réserver le car pour la sortie" in digest.body
    assert f"{BASE}/essais/reunions/{meeting.pk}/" in digest.body
    assert _to(people.owner) == []  # who gave the task is not told


def test_a_person_who_wants_tasks_at_once_gets_them_at_once(people, django_capture_on_commit_callbacks):
    set_preferences(people.colleague, {"meetings.task": "immediate"})
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services_minutes.add_task(membership(people.owner, people.org), meeting, assignee=membership(people.colleague, people.org),
                                  description="Appeler la mairie",
                                  participant_ids=set(meeting.participants.values_list("membership_id", flat=True)))
    [message] = _to(people.colleague)
    assert message.subject == "[Maillon] Nouvelle tâche : Appeler la mairie"
    assert send_digests(now=_tomorrow_morning()) == 0


def test_published_minutes_reach_the_participants_in_the_digest(people, django_capture_on_commit_callbacks):
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services_minutes.publish_minutes(membership(people.owner, people.org), Minutes.objects.get(meeting=meeting))
    assert _to(people.colleague) == []
    send_digests(now=_tomorrow_morning())
    [digest] = _to(people.colleague)
    assert "Compte-rendu publié : COORDO de mars" in digest.body
    assert f"{BASE}/essais/reunions/{meeting.pk}/compte-rendu/" in digest.body
