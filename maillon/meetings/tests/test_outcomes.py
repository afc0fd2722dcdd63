"""Outcome of each agenda item: information, numbered decision (per organisation and year,
never reused), task (a real task, carried over); shown in the minutes, published or not."""

import pytest

from maillon.meetings import services, services_minutes
from maillon.meetings.models import Minutes, Outcome, RecordCounter, Task
from maillon.testing import make_member

from .helpers import at, meeting, membership

pytestmark = pytest.mark.django_db

AGENDA = "Tour des secteurs\nFête de quartier\nBudget"


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def board_type(org):
    return next(t for t in services.meeting_types(org) if t.is_board)


def decide(m, who, text, item=1, org=None):
    ids = set(m.participants.values_list("membership_id", flat=True))
    return services_minutes.add_outcome(membership(who, org or m.organisation), m.minutes, item=item, kind="decision", text=text,
                                participant_ids=ids)


def test_decisions_are_numbered_per_organisation_and_year_and_never_reused(people):
    march = meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA, start=at(2030, 3, 12, 14))
    assert decide(march, people.owner, "Budget validé").reference == "Décision 2030-01"
    second = decide(march, people.colleague, "Fête le 20 juin", item=2)
    assert second.reference == "Décision 2030-02"
    second.delete()  # a removed decision keeps its number
    assert decide(march, people.owner, "Nouvelle décision").reference == "Décision 2030-03"
    next_year = meeting(people.org, people.owner, agenda_text=AGENDA, start=at(2031, 1, 14, 14))
    assert decide(next_year, people.owner, "Première de l'année").reference == "Décision 2031-01"
    elsewhere = meeting(people.other_org, people.outsider, agenda_text=AGENDA, start=at(2030, 3, 12, 14))
    assert decide(elsewhere, people.outsider, "Autre centre").reference == "Décision 2030-01"
    board = meeting(people.org, people.owner, agenda_text=AGENDA, start=at(2030, 6, 2, 18), meeting_type=board_type(people.org))
    assert decide(board, people.owner, "Comptes approuvés").reference == "Délibération 2030-01"
    assert RecordCounter.objects.get(organisation=people.org, register="decision", year=2030).last == 3


def test_a_task_outcome_is_a_task_carried_to_the_next_meeting(people):
    first = meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA, new_series=True, start=at(2030, 3, 12, 14))
    later = meeting(people.org, people.owner, people.colleague, series=first.series, start=at(2030, 4, 9, 14))
    colleague = membership(people.colleague, people.org)
    ids = set(first.participants.values_list("membership_id", flat=True))
    outcome = services_minutes.add_outcome(membership(people.owner, people.org), first.minutes, item=2, kind="task",
                                   text="Réserver la sono", assignee=colleague, participant_ids=ids)
    task = Task.objects.get()
    assert outcome.task == task and task.assignee == colleague and task.description == "Réserver la sono"
    assert list(Task.objects.carried_to(later)) == [task]


def test_outcomes_show_in_the_minutes_before_and_after_publication(people, login):
    m = meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA)
    client = login(people.colleague)
    colleague = membership(people.colleague, people.org)
    client.post(url(m, "compte-rendu/points/"), {"item": 1, "kind": "information", "text": "42 enfants inscrits"})
    client.post(url(m, "compte-rendu/points/"), {"item": 3, "kind": "decision", "text": "Budget de 1 200 € validé"})
    response = client.post(url(m, "compte-rendu/points/"), {"item": 2, "kind": "task", "text": "Prévenir les habitants",
                                                             "assignee": colleague.pk, "due": "2030-04-01"})
    assert response.status_code == 302
    page = client.get(url(m, "compte-rendu/")).content.decode()
    assert "42 enfants inscrits" in page and "Information" in page
    assert "Décision 2030-01" in page and "Budget de 1 200 € validé" in page
    assert "Prévenir les habitants" in page and "1 avr. 2030" in page
    services_minutes.publish_minutes(membership(people.owner, people.org), Minutes.objects.get())
    published = login(people.owner).get(url(m, "compte-rendu/")).content.decode()
    assert "Publié" in published and "Décision 2030-01" in published and "Prévenir les habitants" in published


def test_bad_outcomes_get_a_french_message_and_keep_the_text(people, login):
    m = meeting(people.org, people.owner, agenda_text=AGENDA)
    client = login(people.owner)
    response = client.post(url(m, "compte-rendu/points/"), {"item": 2, "kind": "task", "text": "Appeler la CAF"})
    page = response.content.decode()
    assert response.status_code == 400 and "Choisissez qui fait la tâche." in page and "Appeler la CAF" in page
    wrong_item = client.post(url(m, "compte-rendu/points/"), {"item": 9, "kind": "information", "text": "x"})
    assert wrong_item.status_code == 400 and "Sélectionnez un choix valide" in wrong_item.content.decode()
    empty = client.post(url(m, "compte-rendu/points/"), {"item": 1, "kind": "decision", "text": " "})
    assert empty.status_code == 400 and "Ce champ est obligatoire." in empty.content.decode()
    assert not Outcome.objects.exists() and not RecordCounter.objects.exists()


def test_only_the_people_of_the_meeting_record_outcomes(people, login):
    m = meeting(people.org, people.owner, agenda_text=AGENDA)
    data = {"item": 1, "kind": "decision", "text": "Intrusion"}
    assert login(people.outsider).post(url(m, "compte-rendu/points/"), data).status_code == 404
    assert login(people.other_sector).post(url(m, "compte-rendu/points/"), data).status_code == 404
    coordinator = people.with_role("coordinator")  # sees every meeting, but is not in this one
    assert login(coordinator).get(url(m, "compte-rendu/")).status_code == 200
    assert login(coordinator).post(url(m, "compte-rendu/points/"), data).status_code == 404
    make_member(people.org)
    assert not Outcome.objects.exists()
