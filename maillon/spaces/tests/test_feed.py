"""The feed of a space: who may read and write, pins, comments, mentions, sanitising, budgets."""

import gzip

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.notifications.models import Notification
from maillon.spaces import feed_services, services
from maillon.spaces.models import Comment, Post, Role, SpaceMember
from maillon.testing import QueryCounter, make_member

pytestmark = pytest.mark.django_db


def url(world, rest=""):
    return f"/espaces/{world.space.slug}/fil/{rest}"


def as_user(client, login, user):
    client.logout()
    return login(user)


def test_members_of_another_organisation_read_and_write_and_nobody_else_sees_anything(world, login, client):
    people = world.people
    post = feed_services.create_post(world.space, world.host, text="Bienvenue à toutes et tous")
    response = login(people.owner).get(url(world))
    assert response.status_code == 200 and "Bienvenue à toutes et tous" in response.content.decode()
    assert client.post(url(world, "publish/".replace("publish", "publier")), {"text": "Depuis les Essais"}).status_code == 302
    assert client.post(url(world, f"{post.pk}/commenter/"), {"text": "Merci !"}).status_code == 302
    assert Post.objects.filter(space=world.space, author=people.owner).count() == 1
    assert Comment.objects.filter(post=post, author=people.owner).count() == 1
    # The member's colleague (same organisation, not in the space), a third organisation: 404 everywhere, read or write.
    for user in (people.colleague, people.outsider, world.stranger):
        as_user(client, login, user)
        for page in ("", f"{post.pk}/", f"{post.pk}/modifier/"):
            assert client.get(url(world, page)).status_code == 404
        for page, data in (("publier/", {"text": "x"}), (f"{post.pk}/commenter/", {"text": "x"}), (f"{post.pk}/supprimer/", {}),
                           (f"{post.pk}/epingler/", {"pinned": "1"}), ("resume/", {"frequency": "daily"})):
            assert client.post(url(world, page), data).status_code == 404
    assert Post.objects.count() == 2 and Comment.objects.count() == 1


def test_a_post_of_another_space_is_a_404_even_for_a_member(world, login):
    other = services.create_space(membership=world.host_membership, name="Autre groupe")
    foreign = feed_services.create_post(other, world.host, text="Ailleurs")
    client = login(world.people.owner)
    for page in (f"{foreign.pk}/", f"{foreign.pk}/modifier/", "999999/"):
        assert client.get(url(world, page)).status_code == 404
    assert client.post(url(world, f"{foreign.pk}/commenter/"), {"text": "x"}).status_code == 404
    assert client.post(url(world, f"{foreign.pk}/supprimer/")).status_code == 404
    assert Post.objects.filter(pk=foreign.pk).exists()


def test_a_removed_member_loses_the_feed_at_once(world, login):
    client = login(world.people.owner)
    assert client.get(url(world)).status_code == 200
    services.remove_member(SpaceMember.objects.get(space=world.space, user=world.people.owner), actor=world.host)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world, "publier/"), {"text": "encore là ?"}).status_code == 404


def test_a_reader_reads_but_cannot_post_or_comment(world, login):
    reader = make_member(world.people.other_org, username="lectrice")
    services.add_member(world.space, reader, role=Role.READER, actor=world.host)
    post = feed_services.create_post(world.space, world.host, text="À lire")
    client = login(reader)
    page = client.get(url(world)).content.decode()
    assert "À lire" in page and 'name="text"' not in page and "/fil/publier/" not in page
    assert client.get(url(world, "publier/")).status_code == 403
    assert client.post(url(world, "publier/"), {"text": "Non"}).status_code == 403
    assert client.post(url(world, f"{post.pk}/commenter/"), {"text": "Non"}).status_code == 403
    assert Post.objects.count() == 1 and not Comment.objects.exists()


def test_an_archived_space_is_read_only_for_everyone(world, login):
    post = feed_services.create_post(world.space, world.people.owner, text="Avant l'archive")
    services.set_archived(world.space, True, actor=world.host)
    for user in (world.host, world.people.owner):
        client = login(user)
        assert "Avant l'archive" in client.get(url(world)).content.decode()
        assert client.post(url(world, "publier/"), {"text": "Après"}).status_code == 403
        assert client.post(url(world, f"{post.pk}/commenter/"), {"text": "Après"}).status_code == 403
        assert client.post(url(world, f"{post.pk}/epingler/"), {"pinned": "1"}).status_code == 403
        assert client.post(url(world, f"{post.pk}/supprimer/")).status_code == 403
    assert Post.objects.count() == 1


def test_only_hosts_pin_and_pinned_posts_come_first(world, login, client):
    old = feed_services.create_post(world.space, world.host, text="Message descendant")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=30))
    feed_services.create_post(world.space, world.people.owner, text="Message montant récent")
    assert login(world.people.owner).post(url(world, f"{old.pk}/epingler/"), {"pinned": "1"}).status_code == 403
    as_user(client, login, world.host)
    assert client.post(url(world, f"{old.pk}/epingler/"), {"pinned": "1"}).status_code == 302
    page = client.get(url(world)).content.decode()
    assert page.index("Message descendant") < page.index("Message montant récent")
    # A host may pin as they publish.
    client.post(url(world, "publier/"), {"text": "Épinglé d'emblée", "pinned": "on"})
    assert Post.objects.get(text="Épinglé d'emblée").is_pinned


def test_authors_edit_their_own_posts_and_hosts_delete_any(world, login, client):
    mine = feed_services.create_post(world.space, world.people.owner, text="Premier jet")
    theirs = feed_services.create_post(world.space, world.host, text="De l'hôte")
    client = login(world.people.owner)
    assert client.post(url(world, f"{mine.pk}/modifier/"), {"text": "Version corrigée"}).status_code == 302
    mine.refresh_from_db()
    assert mine.text == "Version corrigée" and mine.edited_at
    assert client.get(url(world, f"{theirs.pk}/modifier/")).status_code == 403
    assert client.post(url(world, f"{theirs.pk}/supprimer/")).status_code == 403
    comment = feed_services.add_comment(theirs, world.host, text="Mon commentaire")
    assert client.post(f"/espaces/{world.space.slug}/fil/commentaires/{comment.pk}/supprimer/").status_code == 403
    as_user(client, login, world.host)
    assert client.post(url(world, f"{mine.pk}/supprimer/")).status_code == 302
    assert not Post.objects.filter(pk=mine.pk).exists()


def test_bad_input_is_a_french_message(world, login):
    client = login(world.people.owner)
    for data in ({"text": ""}, {"text": "   "}, {"text": "x" * 5001}, {"text": "ok", "link": "pas une adresse"}, {"text": "<p></p>"}):
        response = client.post(url(world, "publier/"), data)
        assert response.status_code == 200, data
        assert "error" in response.content.decode()
    assert client.post(url(world, "resume/"), {"frequency": "hourly"}).status_code == 200
    assert not Post.objects.exists()


def test_mentions_notify_members_only(world, login):
    people = world.people
    post = feed_services.create_post(world.space, world.host, text="Qu'en pensez-vous ?", mentions=[people.owner, people.colleague])
    assert list(post.mentions.all()) == [people.owner]
    assert f"@{people.owner}" in post.html and str(people.colleague) not in post.html
    assert Notification.objects.filter(recipient=people.owner, kind="spaces.mention").count() == 1
    assert not Notification.objects.filter(recipient=people.colleague).exists()
    # Through the form: only the space's members are choices; a guessed id is refused.
    client = login(world.host)
    response = client.post(url(world, "publier/"), {"text": "Et vous ?", "mentions": [people.colleague.pk]})
    assert response.status_code == 200 and not Post.objects.filter(text="Et vous ?").exists()
    assert client.post(url(world, "publier/"), {"text": "Et vous ?", "mentions": [people.owner.pk]}).status_code == 302
    assert Notification.objects.filter(recipient=people.owner, kind="spaces.mention").count() == 2


def test_a_comment_notifies_the_author_of_the_post(world):
    post = feed_services.create_post(world.space, world.host, text="Une question")
    feed_services.add_comment(post, world.people.owner, text="Une réponse")
    assert Notification.objects.filter(recipient=world.host, kind="spaces.comment").count() == 1


@pytest.mark.parametrize("text", [
    '<script>alert(1)</script>Bonjour', '<img src=x onerror="alert(1)">Bonjour', '<a href="javascript:alert(1)">Bonjour</a>',
    '<p onclick="alert(1)" style="color:red">Bonjour</p>', "<iframe src='https://evil.example'></iframe>Bonjour",
])
def test_sanitising_keeps_no_script(world, login, text):
    post = feed_services.create_post(world.space, world.host, text=text)
    html = post.html.lower()
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "style="):
        assert bad not in html
    assert "bonjour" in html
    page = login(world.host).get(url(world)).content.decode().lower()
    assert "alert(1)</script>" not in page and "onerror" not in page


def test_plain_text_keeps_paragraphs_and_links():
    html = feed_services.render("Bonjour,\nvoir https://example.org/guide ?\n\nMerci <3")
    assert html.startswith("<p>Bonjour,<br>voir <a href=\"https://example.org/guide\"")
    assert "</p><p>Merci &lt;3</p>" in html


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' aboinscrptjvl:()&;\n")), max_size=80))
def test_render_never_lets_a_tag_out_of_the_allowed_set(text):
    import re

    html = feed_services.render(text)
    for tag in re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)", html):
        assert tag.lower() in feed_services.TAGS
    assert "javascript:" not in html.lower().replace("&amp;", "&") or "href=\"javascript" not in html.lower()


def _fill(world, posts, comments_each):
    people = [world.host, world.people.owner]
    for i in range(posts):
        post = feed_services.create_post(world.space, people[i % 2], text=f"Message {i} " + "texte d'échange entre centres " * 12,
                                         mentions=[world.people.owner] if i % 3 == 0 else [])
        for j in range(comments_each):
            feed_services.add_comment(post, people[j % 2], text=f"Réponse {j} au message {i}, avec quelques mots de plus.")


def _measure(client, path):
    client.get(path)  # warm the caches every page shares (layout)
    with QueryCounter() as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), len(gzip.compress(response.content))


def test_feed_budget_queries_and_size_stay_flat(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.people.owner)
    path = url(world)
    _fill(world, 2, 1)
    small, _size = _measure(client, path)
    _fill(world, 25, 8)
    feed_services.upload_files(world.space, [SimpleUploadedFile("a.txt", b"bonjour")], world.host)
    post = Post.objects.first()
    feed_services._add_files(world.space, post, [SimpleUploadedFile("b.pdf", b"%PDF-1.4 x")], world.host)
    big, size = _measure(client, path)
    # 9 at most (10 before): the space and the person's role come in one query (@space_view, Space.objects.with_role).
    assert big == small and big <= 9, (small, big)
    assert size <= 14 * 1024, size
    # The page of one post with all its comments: flat as well.
    many = Post.objects.order_by("pk").first()
    post_queries, _size = _measure(client, url(world, f"{many.pk}/"))
    for j in range(30):
        feed_services.add_comment(many, world.host, text=f"Encore {j}")
    assert _measure(client, url(world, f"{many.pk}/"))[0] == post_queries <= 12
    assert f"/fichiers/{post.files.get().pk}/b.pdf" in client.get(path).content.decode()


def test_feed_budget_for_a_reader_through_the_federation(world, login, federation):
    """The longest way in (through the federation): the same one query for the space and the role."""
    from maillon.spaces.models import Space

    Space.objects.filter(pk=world.space.pk).update(visibility=Space.Visibility.FEDERATION, federation=federation)
    _fill(world, 12, 4)
    queries, size = _measure(login(world.people.colleague), url(world))
    assert queries <= 9 and size <= 14 * 1024, (queries, size)
