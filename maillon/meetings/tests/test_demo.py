from types import SimpleNamespace

import pytest

from maillon.meetings.demo import seed_meetings
from maillon.meetings.models import Meeting, Minutes, Task
from maillon.testing import make_member

pytestmark = pytest.mark.django_db


def test_it_seeds_a_coordo_series_with_minutes_and_carried_tasks(people):
    users = {"directrice": make_member(people.org, "director", username="directrice")}
    for name in ("coordo.enfance", "coordo.jeunes", "encadrant", "accueil"):
        users[name] = make_member(people.org, "coordinator", username=name)
    context = SimpleNamespace(main=people.org, second=people.other_org, people=users)
    seed_meetings(context)
    seed_meetings(context)  # twice: nothing more
    meetings = list(Meeting.objects.for_organisation(people.org).order_by("start"))
    assert [m.title for m in meetings] == ["COORDO n° 1", "COORDO n° 2", "COORDO n° 3"]
    assert len({m.series_id for m in meetings}) == 1
    assert Minutes.objects.get(meeting=meetings[0]).status == "published"
    assert "Dossier CAF à déposer dans 15 jours" in Minutes.objects.get(meeting=meetings[1]).texts()["s2"]
    carried = [t.description for t in Task.objects.carried_to(meetings[2])]
    assert carried == ["Contacter la ferme pédagogique pour la sortie d'été", "Rassembler les bilans chiffrés pour le dossier CAF"]
    attendance = dict(meetings[0].participants.values_list("membership__user__username", "attendance"))
    assert attendance == {"directrice": "present", "coordo.enfance": "present", "coordo.jeunes": "excused", "accueil": "present"}
