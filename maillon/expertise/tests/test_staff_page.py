"""The directory's staff page shows what colleagues declared in the skills directory."""

import pytest

from maillon.expertise import services
from maillon.testing import QueryCounter

pytestmark = pytest.mark.django_db


def test_the_staff_page_lists_a_colleagues_skills_and_never_a_hidden_persons(directory, login):
    people = directory.people
    client = login(people.owner)
    page = client.get("/essais/annuaire/equipe/").content.decode()
    assert "Compétences : Outils collaboratifs (Pratique), Démarches en ligne (Notions)" in page
    services.set_hidden(people.colleague, True)
    with QueryCounter() as hidden:
        page = client.get("/essais/annuaire/equipe/").content.decode()
    assert "Outils collaboratifs" not in page
    services.set_hidden(people.colleague, False)
    with QueryCounter() as shown:
        client.get("/essais/annuaire/equipe/")
    assert len(shown) == len(hidden)  # one query for the skills, whatever they hold
