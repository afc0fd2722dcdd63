"""The spaces' API (/api/v1/spaces/…): the access matrix across organisations, writes by role,
archived spaces read-only, bad input as French 4xx, queries flat with data."""

import json

import pytest
from django.test import Client

from maillon.accounts import services_tokens
from maillon.notifications.models import Notification
from maillon.spaces import feed_services, services
from maillon.spaces.models import Comment, Post, Role, SpaceMember
from maillon.testing import QueryCounter, make_member

pytestmark = pytest.mark.django_db


def api(user, org=None):
    raw = services_tokens.create_token(user, "t").raw
    headers = {"Authorization": f"Bearer {raw}"}
    if org:
        headers["X-Organisation"] = org
    return Client(headers=headers)


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def urls(world, post=None):
    base = f"/api/v1/spaces/{world.space.pk}"
    post = post or feed_services.create_post(world.space, world.host, text="Ordre du jour de la rencontre")
    return [base, f"{base}/members", f"{base}/posts", f"{base}/posts/{post.pk}/comments"]


def test_a_member_of_another_organisation_reads_the_space_and_her_colleague_gets_404(world):
    people = world.people
    reads = urls(world)
    member = api(people.owner)  # of « Essais », in a space of « Autre centre »
    for url in reads:
        assert member.get(url).status_code == 200, url
    listed = member.get("/api/v1/spaces/").json()
    assert [s["name"] for s in listed["items"]] == ["Groupe numérique"] and listed["items"][0]["role"] == "contributor"
    assert listed["items"][0]["organisation"] == "Autre centre"
    # Not in the space: the member's colleague, someone of the owner organisation, a third organisation.
    for user in (people.colleague, people.outsider, world.stranger):
        client = api(user)
        assert client.get("/api/v1/spaces/").json()["count"] == 0
        for url in reads:
            response = client.get(url)
            assert response.status_code == 404 and response.json()["detail"] == "Espace introuvable.", url
        assert post_json(client, f"/api/v1/spaces/{world.space.pk}/posts", {"text": "Intrus"}).status_code == 404
    assert Post.objects.filter(text="Intrus").count() == 0


def test_the_organisation_header_changes_nothing_a_space_is_not_in_an_organisation(world):
    people = world.people
    url = f"/api/v1/spaces/{world.space.pk}"
    assert api(people.owner, org="autre").get(url).status_code == 200  # the space's owner org, not hers
    assert api(people.owner, org="essais").get(url).status_code == 200
    assert api(people.colleague, org="autre").get(url).status_code == 404
    assert api(people.outsider, org="autre").get(url).status_code == 404  # the owner organisation's own member, not in the space


def test_a_removed_member_loses_access_at_once(world):
    client = api(world.people.owner)
    url = f"/api/v1/spaces/{world.space.pk}/posts"
    assert client.get(url).status_code == 200
    services.remove_member(SpaceMember.objects.get(space=world.space, user=world.people.owner), actor=world.host)
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/spaces/").json()["count"] == 0


def test_readers_cannot_write_and_an_archived_space_is_read_only(world):
    people = world.people
    services.add_member(world.space, people.colleague, role=Role.READER, actor=world.host)
    post = feed_services.create_post(world.space, world.host, text="Bienvenue")
    base = f"/api/v1/spaces/{world.space.pk}/posts"
    reader = api(people.colleague)
    assert reader.get(base).json()["items"][0]["text"] == "Bienvenue"
    response = post_json(reader, base, {"text": "Je lis seulement"})
    assert response.status_code == 403 and response.json()["detail"] == "Les lecteurs d'un espace ne peuvent pas y écrire."
    assert post_json(reader, f"{base}/{post.pk}/comments", {"text": "Non"}).status_code == 403
    contributor = api(people.owner)
    pinned = post_json(contributor, base, {"text": "Épinglé ?", "pinned": True})
    assert pinned.status_code == 403 and pinned.json()["detail"] == "Seuls les animateurs de l'espace épinglent des messages."
    assert post_json(contributor, f"{base}/{post.pk}/comments", {"text": "Merci"}).status_code == 201

    services.set_archived(world.space, True, actor=world.host)
    for client in (contributor, api(world.host)):
        response = post_json(client, base, {"text": "Après l'archivage"})
        assert response.status_code == 403 and response.json()["detail"] == "Cet espace est archivé : il est en lecture seule."
        assert post_json(client, f"{base}/{post.pk}/comments", {"text": "Après"}).status_code == 403
        assert client.get(base).status_code == 200  # still readable
    assert api(people.owner).get("/api/v1/spaces/?archived=true").json()["items"][0]["archived"] is True
    assert not Post.objects.filter(text="Après l'archivage").exists() and not Comment.objects.filter(text="Après").exists()


def test_a_post_is_sanitised_pinned_first_and_its_comments_listed(world):
    host = api(world.host)
    base = f"/api/v1/spaces/{world.space.pk}/posts"
    first = post_json(host, base, {"text": "Premier <script>alert(1)</script><b>gras</b>", "link": "https://exemple.fr/a"})
    assert first.status_code == 201
    assert "<script" not in first.json()["html"] and "<b>gras</b>" in first.json()["html"]
    pinned = post_json(host, base, {"text": "Consigne de la fédération", "pinned": True}).json()
    post_json(host, base, {"text": "Dernier"})
    items = host.get(base).json()["items"]
    assert [i["text"] for i in items][:1] == ["Consigne de la fédération"] and items[0]["pinned"] is True
    assert [i["text"] for i in items][1:] == ["Dernier", first.json()["text"]]
    comment = post_json(api(world.people.owner), f"{base}/{pinned['id']}/comments", {"text": "Bien reçu"})
    assert comment.status_code == 201 and comment.json()["author"]
    comments = host.get(f"{base}/{pinned['id']}/comments").json()
    assert comments["count"] == 1 and comments["items"][0]["text"] == "Bien reçu"
    assert host.get(base).json()["items"][0]["comment_count"] == 1


@pytest.mark.parametrize("body, field", [
    ({"text": ""}, ""),
    ({"text": "   "}, ""),
    ({"text": "x" * 5001}, "text"),
    ({"text": "ok", "link": "javascript:alert(1)"}, "link"),
    ({"text": "ok", "link": "x" * 600}, "link"),
    ({"text": "nul\x00"}, "text"),
    ({"text": "ok", "mentions": ["a"]}, "mentions"),
    ({}, "text"),
])
def test_bad_input_is_a_french_422(world, body, field):
    response = post_json(api(world.host), f"/api/v1/spaces/{world.space.pk}/posts", body)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert detail and all(d["msg"] for d in detail)
    assert any(d["field"].split(".")[0] == field for d in detail), detail
    assert not Post.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/spaces/99999999", "/api/v1/spaces/abc", "/api/v1/spaces/1/posts/99999999/comments",
                                 "/api/v1/spaces/99999999999999999999999", "/api/v1/spaces/?page=0", "/api/v1/spaces/?page=abc"])
def test_bad_ids_and_pages_are_4xx_json(world, url):
    response = api(world.host).get(url)
    assert 400 <= response.status_code < 500 and response.json()["detail"]


def test_picked_mentions_of_non_members_are_dropped_silently(world):
    people = world.people
    response = post_json(api(world.host), f"/api/v1/spaces/{world.space.pk}/posts",
                         {"text": "Voir le compte rendu", "mentions": [people.owner.pk, people.colleague.pk, world.stranger.pk]})
    assert response.json()["mentioned"] == [people.owner.get_full_name()]
    assert Notification.objects.filter(kind="spaces.mention").values_list("recipient", flat=True).get() == people.owner.pk


def test_session_writes_need_the_csrf_token(world, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.host)
    url = f"/api/v1/spaces/{world.space.pk}/posts"
    assert client.get(url).status_code == 200
    assert post_json(client, url, {"text": "Sans jeton CSRF"}).status_code == 403
    assert Client().get(url).status_code == 401


def test_queries_stay_flat_with_data(world):
    client = api(world.people.owner)
    base = f"/api/v1/spaces/{world.space.pk}"
    post = feed_services.create_post(world.space, world.host, text="Un")
    feed_services.add_comment(post, world.people.owner, text="Première réponse")

    def measure():
        counts = {}
        for url in ["/api/v1/spaces/", base, f"{base}/members", f"{base}/posts", f"{base}/posts/{post.pk}/comments"]:
            client.get(url)
            with QueryCounter() as queries:
                assert client.get(url).status_code == 200
            counts[url] = len(queries)
        return counts

    few = measure()
    for i in range(25):
        other = feed_services.create_post(world.space, world.host, text=f"Message {i}", mentions=[world.people.owner])
        feed_services.add_comment(other, world.people.owner, text="Réponse")
        feed_services.add_comment(post, world.people.owner, text=f"Réponse {i}")
        services.add_member(services.create_space(membership=world.host_membership, name=f"Espace {i}"), world.people.owner,
                            role=Role.READER, actor=world.host)
        services.add_member(world.space, make_member(world.third, sector_name="Secteur Enfance", username=f"lecteur{i}"),
                            role=Role.READER, actor=world.host)
    many = measure()
    assert few == many, (few, many)
    assert max(many.values()) <= 6, many

