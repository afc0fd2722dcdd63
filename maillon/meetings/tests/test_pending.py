"""« Comptes-rendus en attente »: to write (I organise, the meeting is over, not published), to
contribute to (the organiser asked for my part), to read (published since I last opened them).
One query shared with « Mes réunions » and « Mes tâches »."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillon.meetings import panels, services_minutes
from maillon.meetings.models import Minutes, Participant
from maillon.notifications.models import Notification
from maillon.testing import QueryCounter

from .helpers import meeting, membership

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def past(days=2, hour=10):
    return timezone.localtime(timezone.now() - timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def panel_of(client):
    request = client.get("/essais/tableau-de-bord/").wsgi_request
    request.__dict__.pop("_meetings_panels", None)
    return panels.pending_minutes(request)


def titles(rows):
    return [r["title"] for r in rows]


def test_minutes_go_from_to_write_to_contribute_to_read(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague, people.other_sector, title="Bilan de l'été", start=past(), allow_past=True)
    owner, colleague = login(people.owner), None
    assert titles(panel_of(owner)["to_write"]) == ["Bilan de l'été"]
    dashboard = owner.get("/essais/tableau-de-bord/").content.decode()
    assert "Comptes-rendus en attente" in dashboard and "À rédiger" in dashboard and "Bilan de l&#x27;été" in dashboard

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(url(m, "compte-rendu/demander/"), {"people": [membership(people.colleague, people.org).pk]})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=people.colleague, title__contains="Bilan de l'été").exists()
    colleague = login(people.colleague)
    assert titles(panel_of(colleague)["to_contribute"]) == ["Bilan de l'été"]
    assert panel_of(login(people.other_sector))["to_contribute"] == []  # not asked
    colleague = login(people.colleague)
    colleague.post(url(m, "compte-rendu/"), {"version": 1, "s1": "Ma partie"})
    assert panel_of(colleague)["to_contribute"] == []

    owner = login(people.owner)
    owner.post(url(m, "compte-rendu/publier/"))
    assert panel_of(owner)["to_write"] == [] and panel_of(owner)["to_read"] == []  # the organiser published it
    colleague = login(people.colleague)
    assert titles(panel_of(colleague)["to_read"]) == ["Bilan de l'été"]
    colleague.get(url(m, "compte-rendu/"))
    assert panel_of(colleague)["to_read"] == []
    assert titles(panel_of(login(people.other_sector))["to_read"]) == ["Bilan de l'été"]


def test_a_meeting_to_come_is_not_yet_to_write(people, login):
    meeting(people.org, people.owner, people.colleague, start=timezone.localtime() + timedelta(days=3))
    assert panel_of(login(people.owner))["to_write"] == []


def test_only_the_organiser_asks_for_parts(people, login):
    m = meeting(people.org, people.owner, people.colleague, people.other_sector, start=past(), allow_past=True)
    other = membership(people.other_sector, people.org).pk
    assert login(people.colleague).post(url(m, "compte-rendu/demander/"), {"people": [other]}).status_code == 404
    assert login(people.outsider).post(url(m, "compte-rendu/demander/"), {"people": [other]}).status_code == 404
    assert not Participant.objects.filter(asked_to_contribute_at__isnull=False).exists()
    nobody = login(people.owner).post(url(m, "compte-rendu/demander/"), {"people": ["x"]}, follow=True)
    assert "Choisissez au moins un participant." in nobody.content.decode()


def test_the_three_panels_share_one_query_whatever_the_data(people, login):
    client = login(people.colleague)
    request = client.get("/essais/tableau-de-bord/").wsgi_request
    owner = membership(people.owner, people.org)
    colleague = membership(people.colleague, people.org)
    for i in range(6):
        m = meeting(people.org, people.owner, people.colleague, title=f"Réunion {i}", start=past(days=3 + i), allow_past=True)
        services_minutes.ask_contributions(owner, m.minutes, [colleague.pk])
        if i % 2:
            services_minutes.publish_minutes(owner, Minutes.objects.get(meeting=m))
    request.__dict__.pop("_meetings_panels", None)
    with QueryCounter() as q:
        result = panels.my_meetings(request), panels.my_tasks(request), panels.pending_minutes(request)
    assert len(q) == 1
    assert titles(result[2]["to_contribute"]) == ["Réunion 0", "Réunion 2", "Réunion 4"]
    assert titles(result[2]["to_read"]) == ["Réunion 1", "Réunion 3", "Réunion 5"]


def test_the_dashboard_costs_the_same_queries_with_many_minutes(people, login):
    client = login(people.colleague)
    client.get("/essais/tableau-de-bord/")
    with QueryCounter() as few:
        client.get("/essais/tableau-de-bord/")
    owner = membership(people.owner, people.org)
    colleague = membership(people.colleague, people.org)
    for i in range(5):
        m = meeting(people.org, people.owner, people.colleague, title=f"Réunion {i}", start=past(days=3 + i), allow_past=True)
        services_minutes.ask_contributions(owner, m.minutes, [colleague.pk])
        services_minutes.add_task(owner, m, assignee=colleague, description=f"Tâche {i}", participant_ids={owner.pk, colleague.pk})
    with QueryCounter() as many:
        page = client.get("/essais/tableau-de-bord/").content.decode()
    assert "Réunion 4" in page and "Tâche 4" in page
    assert len(few) == len(many), [q["sql"][:100] for q in many.captured_queries]
