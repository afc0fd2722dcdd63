"""Rooms and equipment: each organisation sees only its own."""

from maillon.agenda.models import Resource
from maillon.testing import QueryCounter


def add(org, name, kind=Resource.Kind.ROOM, **fields):
    return Resource.objects.create(organisation=org, name=name, kind=kind, category=Resource.Category.MEETING_ROOM, **fields)


def test_it_lists_the_organisations_rooms_and_equipment_to_any_member(people, login):
    add(people.org, "Salle Le Chêne", capacity=12, wheelchair_accessible=True)
    add(people.org, "Vidéoprojecteur", kind=Resource.Kind.EQUIPMENT)
    add(people.other_org, "Salle secrète d'ailleurs")
    page = login(people.other_sector).get("/essais/ressources/").content.decode()
    assert "Salle Le Chêne" in page
    assert "12 personnes" in page
    assert "Vidéoprojecteur" in page
    assert "Salle secrète" not in page


def test_it_filters_by_kind_and_search(people, login):
    add(people.org, "Salle Le Chêne")
    add(people.org, "Vidéoprojecteur", kind=Resource.Kind.EQUIPMENT)
    client = login(people.owner)
    page = client.get("/essais/ressources/?type=equipment").content.decode()
    assert "Vidéoprojecteur" in page and "Salle Le Chêne" not in page
    page = client.get("/essais/ressources/?q=chêne").content.decode()
    assert "Salle Le Chêne" in page and "Vidéoprojecteur" not in page
    assert "Aucune salle" in client.get("/essais/ressources/?q=piscine").content.decode()


def test_it_ignores_an_unknown_kind_filter(people, login):
    add(people.org, "Salle Le Chêne")
    assert "Salle Le Chêne" in login(people.owner).get("/essais/ressources/?type=<script>").content.decode()


def test_it_refuses_the_outsider(people, login):
    assert login(people.outsider).get("/essais/ressources/").status_code == 404


def test_its_query_count_does_not_grow_with_resources(people, login):
    client = login(people.owner)
    add(people.org, "Salle 0")
    client.get("/essais/ressources/")
    with QueryCounter() as few:
        client.get("/essais/ressources/")
    for index in range(1, 25):
        add(people.org, f"Salle {index}")
    with QueryCounter() as many:
        client.get("/essais/ressources/")
    assert len(many) == len(few)
