import pytest
from django.db import connection
from django.urls import reverse

from maillon.kb import services
from maillon.kb.search import search
from maillon.spaces import services as space_services
from maillon.spaces.models import Role, SpaceMember

pytestmark = pytest.mark.django_db


def titles(user, query, **kw):
    return [page.title for _hit, page in search(user, query, **kw)]


def test_it_finds_pages_of_my_spaces_only(kb):
    assert titles(kb.host, "formation") == ["Secret de l'autre espace"]  # the host is in both spaces
    assert titles(kb.people.owner, "formation") == []  # a member of the first space only
    assert titles(kb.people.owner, "ressources") == ["Démarches CAF"]
    assert titles(kb.stranger, "ressources") == []
    assert titles(kb.people.outsider, "ressources") == []  # a colleague of the host, not in the space


def test_a_removed_member_finds_nothing_any_more(kb):
    space_services.remove_member(SpaceMember.objects.get(space=kb.space, user=kb.people.owner), actor=kb.host)
    assert titles(kb.people.owner, "ressources") == []


def test_accents_case_and_plurals_do_not_matter(kb):
    services.create_page(kb.space, Role.HOST, kb.host, title="Été des familles", body="Les sorties à la mer")
    assert titles(kb.people.owner, "ETE") == ["Été des familles"]
    assert titles(kb.people.owner, "sortie") == ["Été des familles"]
    assert titles(kb.people.owner, "démarche caf") == ["Démarches CAF"]


def test_it_searches_the_current_version_only(kb):
    services.save_page(kb.page, Role.HOST, kb.host, title="Démarches CAF", body="Tout a changé")
    assert titles(kb.people.owner, "ressources") == []
    assert titles(kb.people.owner, "change") == ["Démarches CAF"]


def test_title_matches_come_first(kb):
    services.create_page(kb.space, Role.HOST, kb.host, title="Autre", body="On y parle de logement")
    services.create_page(kb.space, Role.HOST, kb.host, title="Logement", body="Le guide")
    assert titles(kb.people.owner, "logement") == ["Logement", "Autre"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming: PostgreSQL")
def test_french_stemming_on_postgresql(kb):
    services.create_page(kb.space, Role.HOST, kb.host, title="Accompagnement", body="Nous accompagnons les allocataires")
    assert "Accompagnement" in titles(kb.people.owner, "accompagner")


def test_the_search_box_of_a_space_and_of_all_my_spaces(kb, login):
    client = login(kb.host)
    url = reverse("kb:index", kwargs={"space": kb.space.slug})
    here = client.get(url, {"q": "formations"}).content.decode()
    assert "Aucune page de cet espace ne correspond" in here
    everywhere = client.get(url, {"q": "formations", "partout": "1"}).content.decode()
    assert "Secret de l&#x27;autre espace" in everywhere and "Parentalité" in everywhere
    outsider = login(kb.people.owner).get(url, {"q": "formations", "partout": "1"}).content.decode()
    assert "Secret" not in outsider and "Aucune page de vos espaces ne correspond" in outsider
