"""API of the skills directory: search with the pages' visibility rules (colleagues and members of
one's spaces, never a hidden person, e-mail only with consent), a person's skills (404 for
someone one may not find), my skills (list, add, change, remove, hide), bad input in French,
flat query counts, token authentication."""

import pytest
from django.test import Client

from maillon.accounts import services_tokens
from maillon.expertise import services
from maillon.expertise.models import Declaration, Level
from maillon.testing import QueryCounter, make_member

pytestmark = pytest.mark.django_db
API = "/api/v1/skills"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_search_finds_the_people_of_my_spaces_and_my_colleagues_most_expert_first(directory):
    client = client_of(directory.people.owner)
    found = client.get(f"{API}/people", {"skill": directory.online.pk})
    assert found.status_code == 200, found.content
    items = found.json()["items"]
    # The host (another organisation, same space) then the colleague; never the host's colleague,
    # who shares no space with the owner.
    assert [i["id"] for i in items] == [directory.host.pk, directory.people.colleague.pk]
    host, colleague = items
    assert (host["email"], host["organisations"], host["skills"][0]["level"], host["skills"][0]["level_label"]) == (
        directory.host.email, ["Autre centre"], 3, "Expert")
    # The colleague accepted to be contacted about another skill only: not about this one.
    assert colleague["email"] == "" and [s["skill"] for s in colleague["skills"]] == ["Démarches en ligne"]
    assert [i["id"] for i in client.get(f"{API}/people", {"q": "NEXTCLOUD"}).json()["items"]] == [directory.people.colleague.pk]
    assert [i["id"] for i in client.get(f"{API}/people", {"skill": directory.online.pk, "min_level": 2}).json()["items"]] == [
        directory.host.pk]
    assert client.get(f"{API}/people/{directory.people.outsider.pk}").status_code == 404
    assert client.get(f"{API}/people/{directory.host.pk}").json()["skills"][0]["note"] == "Formateur des aidants"


def test_a_hidden_person_is_found_by_nobody_but_themselves(directory):
    services.set_hidden(directory.host, True)
    owner = client_of(directory.people.owner)
    assert directory.host.pk not in [i["id"] for i in owner.get(f"{API}/people", {"skill": directory.online.pk}).json()["items"]]
    assert owner.get(f"{API}/people/{directory.host.pk}").status_code == 404
    assert client_of(directory.host).get(f"{API}/people/{directory.host.pk}").status_code == 200


def test_someone_in_no_space_finds_only_their_colleagues_and_reads_no_foreign_taxonomy(directory):
    stranger = directory.stranger  # a third centre, in no space, in no federation
    client = client_of(stranger)
    assert client.get(f"{API}/taxonomy").json() == []
    assert client.get(f"{API}/people", {"q": "démarches"}).json()["count"] == 0
    refused = client.get(f"{API}/people", {"skill": directory.online.pk})
    assert refused.status_code == 422 and refused.json()["detail"][0]["msg"] == "Choisissez une compétence de la liste."
    added = client.post(f"{API}/mine", {"skill": directory.online.pk}, content_type="application/json")
    assert added.status_code == 422 and not Declaration.objects.filter(user=stranger).exists()


def test_my_skills_add_change_hide_and_remove(directory):
    me = directory.people.owner
    client = client_of(me)
    taxonomy = client.get(f"{API}/taxonomy").json()
    assert [(d["name"], d["federation"], [s["name"] for s in d["skills"]]) for d in taxonomy] == [
        ("Numérique", "Fédération des essais", ["Démarches en ligne", "Outils collaboratifs"])]
    added = client.post(f"{API}/mine", {"skill": directory.tools.pk, "level": 1, "note": "  Nextcloud  ", "contactable": False},
                        content_type="application/json")
    assert added.status_code == 201, added.content
    assert {k: added.json()[k] for k in ("skill", "domain", "level", "note", "contactable")} == {
        "skill": "Outils collaboratifs", "domain": "Numérique", "level": 1, "note": "Nextcloud", "contactable": False}
    changed = client.post(f"{API}/mine", {"skill": directory.tools.pk, "level": 3}, content_type="application/json").json()
    assert changed["id"] == added.json()["id"] and changed["level"] == Level.EXPERT
    mine = client.get(f"{API}/mine").json()
    assert mine["hidden"] is False and [d["level"] for d in mine["items"]] == [3]
    assert client.post(f"{API}/mine/visibility", {"hidden": True}, content_type="application/json").json()["hidden"] is True
    # Someone else's declaration is a 404 and stays.
    other = Declaration.objects.get(user=directory.host)
    assert client.delete(f"{API}/mine/{other.pk}").status_code == 404
    assert client.delete(f"{API}/mine/{changed['id']}").status_code == 204
    assert client.get(f"{API}/mine").json()["items"] == [] and Declaration.objects.filter(pk=other.pk).exists()


def test_bad_input_is_answered_in_french_never_500(directory):
    client = client_of(directory.people.owner)
    for params in ({"min_level": 4}, {"skill": "abc"}, {"q": "x" * 5000}, {"q": "a\x00b"}, {"page": 0}, {"skill": "9" * 40}):
        response = client.get(f"{API}/people", params)
        assert response.status_code == 422, (params, response.content)
        assert isinstance(response.json()["detail"], list)
    for body in ({"skill": directory.online.pk, "level": 9}, {"skill": directory.online.pk, "note": "n" * 281}, {"level": 2}, {"skill": None}):
        response = client.post(f"{API}/mine", body, content_type="application/json")
        assert response.status_code == 422, (body, response.content)
    assert client.get(f"{API}/people/99999999").status_code == 404
    assert client.post(f"{API}/mine", "[]", content_type="application/json").status_code in (400, 422)


def test_search_costs_the_same_queries_with_more_people(directory):
    client = client_of(directory.people.owner)

    def count():
        with QueryCounter() as queries:
            assert client.get(f"{API}/people", {"q": "numérique"}).status_code == 200
        return len(queries)

    client.get(f"{API}/people")
    small = count()
    for i in range(8):
        person = make_member(directory.people.org, username=f"personne{i}", first_name="Lou", last_name=f"Personne {i}")
        services.declare(person, directory.tools, level=1 + i % 3, note="Wiki", contactable=True)
    assert count() == small <= 10


def test_a_personal_access_token_reads_my_skills(directory):
    raw = services_tokens.create_token(directory.host, "t").raw
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert [d["skill"] for d in client.get(f"{API}/mine").json()["items"]] == ["Démarches en ligne"]
