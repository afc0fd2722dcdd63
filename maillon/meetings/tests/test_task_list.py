"""A long history of tasks: the meeting and minutes pages show the 50 most urgent with a link
to the meeting's task list, which is paginated, searchable and filtered by status, with the
same number of queries whatever the number of tasks."""

from datetime import date

import pytest

from maillon.meetings import services_minutes
from maillon.meetings.models import Task
from maillon.testing import QueryCounter

from .helpers import at, meeting, membership

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def rows(page: str) -> int:
    return page.count('<td data-label="Tâche">')


def series_with_tasks(people, count):
    first = meeting(people.org, people.owner, people.colleague, new_series=True, start=at(2030, 1, 8, 14))
    last = meeting(people.org, people.owner, people.colleague, series=first.series, start=at(2030, 6, 8, 14))
    add_tasks(people, first, count)
    return first, last


def add_tasks(people, m, count, start=0):
    me, colleague = membership(people.owner, people.org), membership(people.colleague, people.org)
    for i in range(start, start + count):
        services_minutes.add_task(me, m, assignee=colleague if i % 2 else me, description=f"Tâche n° {i}",
                          due=date(2030, 2, 1 + i % 28), participant_ids={me.pk})


def test_the_minutes_and_meeting_pages_show_fifty_tasks_and_link_to_all(people, login):
    _first, last = series_with_tasks(people, 60)
    client = login(people.owner)
    for suffix in ("compte-rendu/", ""):
        page = client.get(url(last, suffix)).content.decode()
        assert rows(page) == 50 and "Voir les 60 tâches (50 affichées ici)" in page and url(last, "taches/toutes/") in page


def test_no_link_when_every_task_is_shown(people, login):
    _first, last = series_with_tasks(people, 3)
    page = login(people.owner).get(url(last, "compte-rendu/")).content.decode()
    assert rows(page) == 3 and "taches/toutes/" not in page


def test_the_task_list_is_paginated_searchable_and_filtered(people, login):
    _first, last = series_with_tasks(people, 60)
    Task.objects.filter(description="Tâche n° 7").update(done=True)  # done in an earlier meeting: no longer carried
    add_tasks(people, last, 2, start=100)
    Task.objects.filter(description="Tâche n° 101").update(done=True)
    client = login(people.colleague)
    page = client.get(url(last, "taches/toutes/")).content.decode()
    assert "61 tâches" in page and rows(page) == 50 and "Page 1 sur 2" in page and "Tâche n° 7<" not in page
    page = client.get(url(last, "taches/toutes/") + "?page=2").content.decode()
    assert rows(page) == 11
    page = client.get(url(last, "taches/toutes/") + "?q=n°+101").content.decode()
    assert rows(page) == 1 and "Tâche n° 101" in page
    colleague_name = people.colleague.last_name
    page = client.get(url(last, "taches/toutes/") + f"?q={colleague_name}").content.decode()
    assert rows(page) == 30  # odd numbers: 29 carried (n° 7 is done) and n° 101 of this meeting
    page = client.get(url(last, "taches/toutes/") + "?etat=faites").content.decode()
    assert rows(page) == 1 and "1 tâche" in page
    page = client.get(url(last, "taches/toutes/") + "?etat=a-faire&q=Tâche").content.decode()
    assert rows(page) == 50 and "60 tâches" in page and "etat=a-faire" in page  # the next page keeps the filter
    page = client.get(url(last, "taches/toutes/") + "?q=inexistante").content.decode()
    assert "Aucune tâche ne correspond à cette recherche." in page
    for bad in ("?page=abc", "?etat=n%27importe", "?q=" + "x" * 500):
        assert client.get(url(last, "taches/toutes/") + bad).status_code == 200


def test_the_task_list_runs_the_same_queries_whatever_the_number_of_tasks(people, login):
    _first, last = series_with_tasks(people, 3)
    client = login(people.owner)
    client.get(url(last, "taches/toutes/"))
    with QueryCounter() as few:
        client.get(url(last, "taches/toutes/"))
    add_tasks(people, last, 120, start=3)
    with QueryCounter() as many:
        page = client.get(url(last, "taches/toutes/"))
    assert rows(page.content.decode()) == 50
    assert len(few) == len(many) and len(many) <= 12, [q["sql"] for q in many.captured_queries]


def test_the_task_list_is_closed_to_people_outside_the_meeting(people, login):
    _first, last = series_with_tasks(people, 3)
    assert login(people.other_sector).get(url(last, "taches/toutes/")).status_code == 404
    assert login(people.outsider).get(url(last, "taches/toutes/")).status_code == 404
    assert login(people.outsider).get(f"/autre/reunions/{last.pk}/taches/toutes/").status_code == 404
