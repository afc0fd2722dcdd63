"""One search box: pages, news, documents, directory; filtered by organisation and roles."""

import json

from maillon.accounts.roles import Role
from maillon.content.search import search
from maillon.content.tests.helpers import document, news, section
from maillon.testing import QueryCounter


def membership(user, org):
    from maillon.accounts.models import Membership

    return Membership.objects.with_roles().get(user=user, organisation=org)


def test_it_finds_pages_news_documents_and_directory_entries(people, login):
    from maillon.directory.models import Partner
    from maillon.directory.services import index as index_partner

    section(people.org, "Formations des animateurs", body=json.dumps([{"type": "text", "value": "<p>Le BAFA financé</p>"}]))
    news(people.org, "Nouvelle formation premiers secours")
    document(people.org, "Plan de formation 2026")
    index_partner(Partner.objects.create(organisation=people.org, name="Organisme de formation Val-Fleuri", tags="formation"))
    page = login(people.owner).get("/essais/recherche/?q=formation").content.decode()
    for title in ("Formations des animateurs", "Nouvelle formation premiers secours", "Plan de formation 2026", "Organisme de formation Val-Fleuri"):
        assert title in page
    assert "Rubriques" in page or "Pages" in page


def test_it_never_shows_another_organisations_entries(people, login):
    news(people.other_org, "Formation secrète ailleurs")
    document(people.other_org, "Formation document ailleurs")
    assert "ailleurs" not in login(people.owner).get("/essais/recherche/?q=formation").content.decode()
    assert search(membership(people.outsider, people.other_org), "formation")


def test_it_filters_restricted_documents_by_role(people, login):
    document(people.org, "Grille salariale formation", roles=",hr,")
    assert "Grille salariale" not in login(people.owner).get("/essais/recherche/?q=grille").content.decode()
    hr = people.with_role(Role.HR)
    assert "Grille salariale" in login(hr).get("/essais/recherche/?q=grille").content.decode()


def test_it_ignores_accents_and_case(people):
    news(people.org, "Été au centre : sorties")
    found = [e.title for e in search(membership(people.owner, people.org), "ete")]
    assert "Été au centre : sorties" in found
    found = [e.title for e in search(membership(people.owner, people.org), "SORTIES")]
    assert "Été au centre : sorties" in found


def test_it_forgets_unpublished_pages(people):
    page = news(people.org, "Annonce retirée")
    assert search(membership(people.owner, people.org), "annonce")
    page.unpublish()
    assert not search(membership(people.owner, people.org), "annonce")


def test_it_shows_an_empty_state_and_survives_odd_input(people, login):
    client = login(people.owner)
    assert "Rien trouvé" in client.get("/essais/recherche/?q=zzzzqqq").content.decode()
    for q in ("'\"", "a & b | !", "()", "%_", "<script>"):
        assert client.get("/essais/recherche/", {"q": q}).status_code == 200


def test_it_refuses_the_outsider(people, login):
    assert login(people.outsider).get("/essais/recherche/?q=x").status_code == 404


def test_its_query_count_does_not_grow_with_results(people, login):
    client = login(people.owner)
    document(people.org, "Formation 0")
    client.get("/essais/recherche/?q=formation")
    with QueryCounter() as few:
        client.get("/essais/recherche/?q=formation")
    for i in range(1, 30):
        document(people.org, f"Formation {i}")
    with QueryCounter() as many:
        page = client.get("/essais/recherche/?q=formation").content.decode()
    assert "Formation 29" in page
    assert len(many) == len(few)
