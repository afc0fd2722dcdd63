"""Search by skill, free text and level; declaring skills; query counts flat with data."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.expertise import services
from maillon.expertise.models import Declaration, Domain, Level, Skill
from maillon.organisations.models import Federation
from maillon.testing import QueryCounter, make_member

pytestmark = pytest.mark.django_db


def names_in_order(page: str, *people) -> list:
    positions = {p.username: page.find(p.get_full_name()) for p in people}
    return [name for name, at in sorted(positions.items(), key=lambda item: item[1]) if at >= 0]


def test_it_lists_the_most_expert_first_and_filters_by_level(directory, login):
    client = login(directory.people.owner)
    page = client.get("/competences/", {"competence": directory.online.pk}).content.decode()
    assert names_in_order(page, directory.host, directory.people.colleague) == ["hote", "collegue"]
    assert "Expert" in page and "Notions" in page
    page = client.get("/competences/", {"competence": directory.online.pk, "niveau": Level.PRACTICE}).content.decode()
    assert directory.host.get_full_name() in page
    assert directory.people.colleague.get_full_name() not in page


def test_it_searches_free_text_without_accents_or_case_in_skills_and_notes(directory, login):
    client = login(directory.people.owner)
    page = client.get("/competences/", {"q": "DEMARCHES"}).content.decode()
    assert directory.host.get_full_name() in page
    page = client.get("/competences/", {"q": "nextcloud"}).content.decode()  # a note
    assert directory.people.colleague.get_full_name() in page
    assert directory.host.get_full_name() not in page
    page = client.get("/competences/", {"q": "plomberie"}).content.decode()
    assert "Personne n’a été trouvé. Essayez un autre mot" in page


@pytest.mark.parametrize("params", [{"competence": "abc"}, {"competence": "999999"}, {"niveau": "7"}, {"page": "x"},
                                    {"q": "x" * 500}])
def test_bad_search_input_is_a_french_message_never_a_500(directory, login, params):
    response = login(directory.people.owner).get("/competences/", params)
    assert response.status_code == 200


def test_a_skill_of_another_federation_cannot_be_declared(directory, login):
    other = Federation.objects.create(name="Autre fédération", slug="autre-fede")
    elsewhere = Skill.objects.create(domain=Domain.objects.create(name="Ailleurs", federation=other), name="Secret")
    client = login(directory.people.owner)
    response = client.post("/competences/mes-competences/", {"skill": elsewhere.pk, "level": 3, "note": ""})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Declaration.objects.filter(skill=elsewhere).exists()
    with pytest.raises(services.ValidationError):
        services.declare(directory.people.owner, elsewhere, level=3)


def test_it_declares_changes_and_removes_a_skill(directory, login):
    client = login(directory.people.owner)
    response = client.post("/competences/mes-competences/", {"skill": directory.tools.pk, "level": 3, "note": "Agenda partagé",
                                                             "contactable": "on"}, follow=True)
    assert "Compétence enregistrée." in response.content.decode()
    declaration = Declaration.objects.get(user=directory.people.owner, skill=directory.tools)
    assert (declaration.level, declaration.note, declaration.contactable) == (Level.EXPERT, "Agenda partagé", True)
    client.post(f"/competences/mes-competences/{declaration.pk}/", {"level": 1, "note": ""})
    declaration.refresh_from_db()
    assert (declaration.level, declaration.contactable) == (Level.NOTIONS, False)
    response = client.post(f"/competences/mes-competences/{declaration.pk}/", {"level": 9, "note": "x" * 400})
    assert "Sélectionnez un choix valide" in response.content.decode()
    client.post(f"/competences/mes-competences/{declaration.pk}/retirer/")
    assert not Declaration.objects.filter(pk=declaration.pk).exists()


def test_the_organisation_page_serves_the_same_search(directory, login):
    page = login(directory.people.owner).get("/essais/competences/", {"competence": directory.online.pk}).content.decode()
    assert directory.host.get_full_name() in page


def _declare_many(directory, count):
    for _ in range(count):
        person = make_member(directory.people.org, sector_name="Secteur Enfance")
        services.declare(person, directory.online, level=Level.PRACTICE, note="x", contactable=True)
        services.declare(person, directory.tools, level=Level.EXPERT, contactable=False)


@pytest.mark.parametrize("path", ["/competences/", "/competences/?q=numerique", "/competences/mes-competences/",
                                  "/competences/referentiel/"])
def test_query_counts_are_flat_with_data(directory, login, path):
    client = login(directory.people.owner)
    client.get(path)
    with QueryCounter() as few:
        assert client.get(path).status_code == 200
    _declare_many(directory, 25)
    for index in range(10):
        Skill.objects.create(domain=directory.domain, name=f"Compétence {index}")
    with QueryCounter() as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_person_page_query_count_is_flat(directory, login):
    client = login(directory.people.owner)
    url = f"/competences/personnes/{directory.host.pk}/"
    client.get(url)
    with QueryCounter() as few:
        client.get(url)
    for index in range(12):
        services.declare(directory.host, Skill.objects.create(domain=directory.domain, name=f"S{index}"), level=2)
    with QueryCounter() as many:
        client.get(url)
    assert len(many) == len(few)


ACCENTED = {"e": "éèêE", "a": "àâA", "c": "çC", "o": "ôO", "i": "îI", "u": "ùûU"}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_free_text_matches_whatever_the_accents_and_case(data):
    """Property: any word of a skill's name, accented or not, in any case, finds that skill."""
    skill = Skill(pk=1, name="Démarches en ligne", domain=Domain(name="Numérique"))
    other = Skill(pk=2, name="Graphisme", domain=Domain(name="Communication"))
    word = data.draw(st.sampled_from(["demarches", "en", "ligne", "numerique", "march", "num"]))
    typed = "".join(data.draw(st.sampled_from([c, *ACCENTED.get(c, c.upper())])) for c in word)
    assert services.matching_skill_ids([skill, other], typed) == [1]
    assert services.matching_skill_ids([skill, other], "") == []


def test_the_demo_seeder_declares_skills_once(people):
    from types import SimpleNamespace

    from maillon.expertise.demo import DECLARATIONS, seed_expertise
    from maillon.expertise.models import Profile

    demo_people = {username: make_member(people.org, username=username) for username in {d[0] for d in DECLARATIONS}}
    context = SimpleNamespace(federation=Federation.objects.create(name="Démo", slug="demo"), people=demo_people)
    seed_expertise(context)
    seed_expertise(context)  # a second run adds nothing
    assert Declaration.objects.filter(user__in=demo_people.values()).count() == len(DECLARATIONS)
    assert Profile.objects.filter(hidden=True).count() == 1
