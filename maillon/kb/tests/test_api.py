"""The knowledge base's API: members of any organisation read, writers write a new version,
nobody else sees anything (search included), bad input is a French 4xx, queries stay flat."""

import json

import pytest
from django.test import Client

from maillon.accounts import services_tokens
from maillon.kb import services
from maillon.kb.models import Page, Version
from maillon.spaces import services as space_services
from maillon.spaces.models import Role, SpaceMember
from maillon.testing import QueryCounter

pytestmark = pytest.mark.django_db


def api(user):
    return Client(headers={"Authorization": f"Bearer {services_tokens.create_token(user, 't').raw}"})


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def base(kb, space=None):
    return f"/api/v1/spaces/{(space or kb.space).pk}/kb/pages"


def test_a_member_of_another_organisation_reads_the_tree_a_page_and_its_versions(kb):
    services.save_page(kb.page, Role.HOST, kb.host, title="Démarches CAF", body="Déclarer ses **ressources** chaque trimestre.")
    client = api(kb.people.owner)  # of « Essais », in a space of « Autre centre »
    tree = client.get(base(kb)).json()
    assert [(row["title"], row["level"], row["version"]) for row in tree["items"]] == [("Démarches CAF", 0, 2)]
    page = client.get(f"{base(kb)}/{kb.page.pk}").json()
    assert page["version"] == 2 and page["markdown"] == "Déclarer ses **ressources** chaque trimestre."
    assert "<strong>ressources</strong>" in page["html"]
    versions = client.get(f"{base(kb)}/{kb.page.pk}/versions").json()
    assert [v["number"] for v in versions["items"]] == [2, 1]


def test_nobody_outside_the_space_reads_or_writes_and_search_stays_within_my_spaces(kb):
    people = kb.people
    reads = [base(kb), f"{base(kb)}/{kb.page.pk}", f"{base(kb)}/{kb.page.pk}/versions", f"{base(kb, kb.other_space)}/{kb.other_page.pk}"]
    for user in (people.outsider, kb.stranger):  # the owner organisation's colleague of the host, a third organisation
        client = api(user)
        for url in reads:
            assert client.get(url).status_code == 404, url
        assert send(client, "post", base(kb), {"title": "Intrus"}).status_code == 404
        assert send(client, "put", f"{base(kb)}/{kb.page.pk}", {"title": "Intrus"}).status_code == 404
        assert client.delete(f"{base(kb)}/{kb.page.pk}").status_code == 404
        assert client.get("/api/v1/spaces/kb/search?q=formations").json()["count"] == 0
    # A member of the first space only: the other space's page is neither readable nor found.
    member = api(people.owner)
    assert member.get(f"{base(kb, kb.other_space)}/{kb.other_page.pk}").status_code == 404
    assert member.get(f"{base(kb)}/{kb.other_page.pk}").status_code == 404  # an id of another space through mine
    assert member.get("/api/v1/spaces/kb/search?q=confidentiel").json()["count"] == 0
    found = member.get("/api/v1/spaces/kb/search?q=ressources").json()
    assert [i["title"] for i in found["items"]] == ["Démarches CAF"] and found["items"][0]["space"] == "Groupe numérique"
    assert api(kb.host).get("/api/v1/spaces/kb/search?q=formations").json()["items"][0]["title"] == "Secret de l'autre espace"
    assert Page.objects.filter(title="Intrus").count() == 0


def test_writers_create_and_save_versions_readers_and_archived_spaces_cannot(kb):
    contributor = api(kb.people.owner)
    created = send(contributor, "post", base(kb), {"title": "Accueil des familles", "markdown": "# Étapes", "parent_id": kb.page.pk})
    assert created.status_code == 201 and created.json()["version"] == 1 and created.json()["ancestors"][0]["id"] == kb.page.pk
    pk = created.json()["id"]
    saved = send(contributor, "put", f"{base(kb)}/{pk}", {"title": "Accueil des familles", "markdown": "# Étapes\n\nNouveau", "base_version": 1})
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = send(contributor, "put", f"{base(kb)}/{pk}", {"title": "Accueil", "markdown": "Ancien", "base_version": 1})
    assert stale.status_code == 422 and "pendant que vous" in stale.json()["detail"][0]["msg"]

    reader = api(kb.reader)
    refused = send(reader, "post", base(kb), {"title": "Lecteur"})
    assert refused.status_code == 403 and refused.json()["detail"] == "Les lecteurs d'un espace ne peuvent pas y écrire."
    assert send(reader, "put", f"{base(kb)}/{pk}", {"title": "Lecteur"}).status_code == 403
    assert reader.get(f"{base(kb)}/{pk}").json()["version"] == 2

    space_services.set_archived(kb.space, True, actor=kb.host)
    for client in (contributor, api(kb.host)):
        refused = send(client, "put", f"{base(kb)}/{pk}", {"title": "Archivé", "markdown": ""})
        assert refused.status_code == 403 and refused.json()["detail"] == "Cet espace est archivé : il est en lecture seule."
        assert client.delete(f"{base(kb)}/{pk}").status_code == 403
    assert Version.objects.filter(page_id=pk).count() == 2


def test_a_removed_member_loses_the_knowledge_base_at_once(kb):
    client = api(kb.people.owner)
    assert client.get(base(kb)).status_code == 200
    space_services.remove_member(SpaceMember.objects.get(space=kb.space, user=kb.people.owner), actor=kb.host)
    assert client.get(base(kb)).status_code == 404
    assert client.get("/api/v1/spaces/kb/search?q=ressources").json()["count"] == 0


def test_delete_by_host_or_author_only_and_never_a_page_with_sub_pages(kb):
    mine = services.create_page(kb.space, Role.CONTRIBUTOR, kb.people.owner, title="Ma page")
    contributor = api(kb.people.owner)
    refused = contributor.delete(f"{base(kb)}/{kb.page.pk}")  # the host's page
    assert refused.status_code == 403 and "auteur" in refused.json()["detail"]
    services.create_page(kb.space, Role.HOST, kb.host, title="Sous-page", parent=mine)
    assert contributor.delete(f"{base(kb)}/{mine.pk}").status_code == 409
    child = Page.objects.get(title="Sous-page")
    assert api(kb.host).delete(f"{base(kb)}/{child.pk}").status_code == 204
    assert contributor.delete(f"{base(kb)}/{mine.pk}").status_code == 204
    assert not Page.objects.filter(pk__in=[mine.pk, child.pk]).exists()
    assert not Version.objects.filter(page_id__in=[mine.pk, child.pk]).exists()


@pytest.mark.parametrize("body, field", [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "ok", "markdown": "x" * 200_001}, "markdown"),
    ({"title": "nul\x00"}, "title"),
    ({"title": "ok", "parent_id": 99999999}, "parent_id"),
    ({"title": "ok", "parent_id": "abc"}, "parent_id"),
    ({"markdown": "sans titre"}, "title"),
])
def test_bad_input_is_a_french_422(kb, body, field):
    response = send(api(kb.host), "post", base(kb), body)
    assert response.status_code == 422, response.content
    assert field in {d["field"] for d in response.json()["detail"]} and all(d["msg"] for d in response.json()["detail"])
    assert Page.objects.count() == 2


def test_a_parent_of_another_space_is_refused(kb):
    response = send(api(kb.host), "post", base(kb), {"title": "Ailleurs", "parent_id": kb.other_page.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["msg"] == "Choisissez une page de cet espace."


@pytest.mark.parametrize("url", ["/api/v1/spaces/kb/search", "/api/v1/spaces/kb/search?q=", "/api/v1/spaces/kb/search?q=" + "x" * 300,
                                 "/api/v1/spaces/kb/search?q=a&page=0", "/api/v1/spaces/1/kb/pages/99999999"])
def test_bad_queries_are_4xx_json(kb, url):
    response = api(kb.host).get(url)
    assert 400 <= response.status_code < 500 and response.json()["detail"]


def test_queries_stay_flat_with_data(kb):
    client = api(kb.people.owner)
    urls = [base(kb), f"{base(kb)}/{kb.page.pk}", f"{base(kb)}/{kb.page.pk}/versions", "/api/v1/spaces/kb/search?q=page"]

    def measure():
        counts = {}
        for url in urls:
            client.get(url)
            with QueryCounter() as queries:
                assert client.get(url).status_code == 200
            counts[url] = len(queries)
        return counts

    few = measure()
    for i in range(20):
        services.create_page(kb.space, Role.HOST, kb.host, title=f"Page {i}", parent=kb.page if i % 2 else None, body="Une page")
        services.save_page(Page.objects.get(pk=kb.page.pk), Role.HOST, kb.host, title="Démarches CAF", body=f"v{i} page")
    many = measure()
    assert few == many, (few, many)
    assert max(many.values()) <= 7, many
