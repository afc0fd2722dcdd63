"""« Mes tâches » on the dashboard says which tasks are overdue (due before today, Europe/Paris)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from maillon.meetings import panels
from maillon.meetings.models import Task

from .helpers import meeting, membership

pytestmark = pytest.mark.django_db


def past(days):
    return timezone.localtime(timezone.now() - timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)


def request_for(user, org):
    return SimpleNamespace(organisation=org, membership=membership(user, org), user=user)


def task(org, m, user, description, due=None):
    return Task.objects.create(organisation=org, meeting=m, assignee=membership(user, org), description=description, due=due)


@pytest.fixture
def data(people):
    org = people.org
    soon = meeting(org, people.owner, people.colleague, title="Réunion à venir", start=timezone.localtime() + timedelta(days=2))
    done = meeting(org, people.owner, people.colleague, title="Réunion passée", start=past(3), allow_past=True)
    task(org, soon, people.colleague, "Préparer la salle", due=timezone.localdate() + timedelta(days=1))
    task(org, done, people.colleague, "Envoyer le bilan", due=timezone.localdate() - timedelta(days=1))
    task(org, done, people.owner, "Relancer le prestataire")
    return people


def test_it_flags_overdue_tasks_in_my_tasks(data, login):
    page = login(data.colleague).get("/essais/tableau-de-bord/").content.decode()
    tasks = page.split('id="panel-my_tasks"')[1].split("</section>")[0]
    overdue, coming = (line for line in tasks.split("<li>")[1:])
    assert "Envoyer le bilan" in overdue and "en retard" in overdue
    assert "Préparer la salle" in coming and "en retard" not in coming


def test_a_task_due_today_is_not_overdue(data):
    Task.objects.filter(description="Envoyer le bilan").update(due=timezone.localdate())
    tasks = panels.my_tasks(request_for(data.colleague, data.org))["tasks"]
    assert [(t["description"], t["overdue"]) for t in tasks] == [("Envoyer le bilan", False), ("Préparer la salle", False)]
