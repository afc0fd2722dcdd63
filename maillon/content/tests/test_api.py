"""API: news, documents and search, scoped like the pages."""

from maillon.accounts.roles import Role
from maillon.content.tests.helpers import document, news


def test_it_lists_news_and_documents_of_the_organisation(people, login):
    item = news(people.org, "Fête de quartier", intro="Samedi")
    news(people.other_org, "Ailleurs")
    open_doc = document(people.org, "Règlement intérieur")
    document(people.org, "Grille salariale", roles=",hr,")
    foreign = document(people.other_org, "Doc d'ailleurs")
    client = login(people.owner)
    headers = {"HTTP_X_ORGANISATION": "essais"}
    data = client.get("/api/v1/content/news", **headers).json()
    assert [n["title"] for n in data["items"]] == ["Fête de quartier"]
    assert data["items"][0]["url"] == "/essais/pages/fete-de-quartier/"
    assert client.get(f"/api/v1/content/news/{item.pk}", **headers).json()["summary"] == "Samedi"
    docs = client.get("/api/v1/content/documents", **headers).json()
    assert [d["title"] for d in docs["items"]] == ["Règlement intérieur"]
    assert docs["items"][0]["download_url"] == open_doc.download_url()
    assert client.get(f"/api/v1/content/documents/{foreign.pk}", **headers).status_code == 404
    results = client.get("/api/v1/content/search?q=reglement", **headers).json()
    assert [r["title"] for r in results] == ["Règlement intérieur"]


def test_it_shows_restricted_documents_to_their_roles_only(people, login):
    restricted = document(people.org, "Grille salariale", roles=",hr,")
    headers = {"HTTP_X_ORGANISATION": "essais"}
    assert login(people.owner).get(f"/api/v1/content/documents/{restricted.pk}", **headers).status_code == 404
    assert login(people.with_role(Role.HR)).get(f"/api/v1/content/documents/{restricted.pk}", **headers).json()["restricted_to"] == ["hr"]


def test_it_refuses_the_outsider(people, login):
    assert login(people.outsider).get("/api/v1/content/news", HTTP_X_ORGANISATION="essais").status_code == 404


def test_it_is_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/content/news", "/api/v1/content/documents", "/api/v1/content/search", "/api/v1/directory/partners", "/api/v1/directory/links"):
        assert path in paths
