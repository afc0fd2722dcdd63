"""Who sees and writes what: members read, contributors and hosts write, an archived space is
read-only, and nobody else gets anything (404, the same answer as for a page that does not exist)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillon.kb import services
from maillon.kb.models import Attachment, Page
from maillon.spaces import services as space_services
from maillon.spaces.models import Role, SpaceMember

pytestmark = pytest.mark.django_db


def read_urls(space, page, attachment=None):
    kw = {"space": space.slug, "pk": page.pk}
    urls = [reverse("kb:index", kwargs={"space": space.slug}), reverse("kb:page", kwargs=kw), reverse("kb:history", kwargs=kw),
            reverse("kb:compare", kwargs=kw), reverse("kb:version", kwargs={**kw, "number": 1})]
    if attachment is not None:
        urls.append(reverse("kb:attachment", kwargs={**kw, "file_pk": attachment.pk}))
    return urls


def write_posts(space, page, attachment=None):
    kw = {"space": space.slug, "pk": page.pk}
    posts = [(reverse("kb:new", kwargs={"space": space.slug}), {"title": "Intrus", "body": "x"}),
             (reverse("kb:edit", kwargs=kw), {"title": "Intrus", "body": "x", "base": 1}),
             (reverse("kb:restore", kwargs={**kw, "number": 1}), {}),
             (reverse("kb:shift", kwargs=kw), {"sens": "haut"}),
             (reverse("kb:upload", kwargs=kw), {"file": SimpleUploadedFile("a.txt", b"bonjour")})]
    if attachment is not None:
        posts.append((reverse("kb:delete_attachment", kwargs={**kw, "file_pk": attachment.pk}), {}))
    return posts


def attach(kb, page=None, name="note.txt", content=b"Compte rendu"):
    return services.add_attachment(page or kb.page, Role.HOST, kb.host, SimpleUploadedFile(name, content))


def test_members_of_any_organisation_read_every_page(kb, login):
    file = attach(kb)
    for user in (kb.host, kb.people.owner, kb.reader):
        client = login(user)
        for url in read_urls(kb.space, kb.page, file):
            assert client.get(url).status_code == 200, (user, url)
    response = login(kb.people.owner).get(reverse("kb:attachment", kwargs={"space": kb.space.slug, "pk": kb.page.pk, "file_pk": file.pk}))
    assert b"".join(response.streaming_content) == b"Compte rendu"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_non_members_get_404_everywhere(kb, login):
    file = attach(kb)
    for user in (kb.stranger, kb.people.outsider, kb.people.other_sector):
        client = login(user)
        for url in read_urls(kb.space, kb.page, file):
            assert client.get(url).status_code == 404, (user, url)
        for url, data in write_posts(kb.space, kb.page, file):
            assert client.post(url, data).status_code == 404, (user, url)
    assert Page.objects.filter(title="Intrus").count() == 0 and Attachment.objects.filter(pk=file.pk).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(kb, client):
    response = client.get(read_urls(kb.space, kb.page)[1])
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_guessed_ids_of_another_space_are_404(kb, login):
    """A member of the first space only, with the ids of the second space's page and file, under the
    first space's address."""
    file = attach(kb, kb.other_page, "secret.txt", b"secret")
    client = login(kb.people.owner)
    kw = {"space": kb.space.slug, "pk": kb.other_page.pk}
    for url in [reverse("kb:page", kwargs=kw), reverse("kb:history", kwargs=kw), reverse("kb:compare", kwargs=kw),
                reverse("kb:version", kwargs={**kw, "number": 1}), reverse("kb:edit", kwargs=kw),
                reverse("kb:attachment", kwargs={**kw, "file_pk": file.pk}),
                reverse("kb:attachment", kwargs={"space": kb.space.slug, "pk": kb.page.pk, "file_pk": file.pk})]:
        assert client.get(url).status_code == 404, url
    for url, data in write_posts(kb.space, kb.other_page, file)[1:]:
        assert client.post(url, data).status_code == 404, url
    # A parent page of the other space, posted in a form, is not accepted either.
    response = client.post(reverse("kb:new", kwargs={"space": kb.space.slug}), {"title": "Ici", "body": "", "parent": kb.other_page.pk})
    assert response.status_code == 200
    assert not Page.objects.filter(title="Ici").exists()
    assert kb.other_page.versions.count() == 1 and Attachment.objects.filter(pk=file.pk).exists()


def test_a_removed_member_loses_access_at_once(kb, login):
    client = login(kb.people.owner)
    url = read_urls(kb.space, kb.page)[1]
    assert client.get(url).status_code == 200
    space_services.remove_member(SpaceMember.objects.get(space=kb.space, user=kb.people.owner), actor=kb.host)
    assert client.get(url).status_code == 404


def test_readers_read_but_do_not_write(kb, login):
    client = login(kb.reader)
    page = client.get(read_urls(kb.space, kb.page)[1]).content.decode()
    assert "Modifier" not in page and "Joindre un fichier" not in page
    for url, data in write_posts(kb.space, kb.page):
        assert client.post(url, data).status_code == 403, url
    assert kb.page.versions.count() == 1


def test_an_archived_space_is_read_only(kb, login):
    kb.space.archived_at = timezone.now()
    kb.space.save(update_fields=["archived_at"])
    client = login(kb.host)
    assert client.get(read_urls(kb.space, kb.page)[1]).status_code == 200
    for url, data in write_posts(kb.space, kb.page):
        assert client.post(url, data).status_code == 403, url


def test_contributors_write_from_another_organisation(kb, login):
    client = login(kb.people.owner)
    response = client.post(reverse("kb:new", kwargs={"space": kb.space.slug}), {"title": "Fiche APL", "body": "Aide au **logement**", "parent": kb.page.pk})
    created = Page.objects.get(title="Fiche APL")
    assert response.status_code == 302 and created.parent == kb.page and created.current.author == kb.people.owner
    response = client.post(reverse("kb:edit", kwargs={"space": kb.space.slug, "pk": created.pk}),
                           {"title": "Fiche APL", "body": "Aide personnalisée au **logement**", "base": 1, "parent": kb.page.pk}, follow=True)
    assert "La version 2 est enregistrée." in response.content.decode()
    response = client.post(reverse("kb:restore", kwargs={"space": kb.space.slug, "pk": created.pk, "number": 1}), follow=True)
    assert "La version 1 est rétablie comme version 3." in response.content.decode()
    compare = client.get(reverse("kb:compare", kwargs={"space": kb.space.slug, "pk": created.pk}) + "?de=1&a=2").content.decode()
    assert "<ins>personnalisée </ins>" in compare and "Supprimé :" in compare or "Ajouté :" in compare


def test_a_stale_edit_shows_a_french_message_and_keeps_the_text(kb, login):
    services.save_page(kb.page, Role.HOST, kb.host, title="Démarches CAF", body="Texte de l'hôte")
    response = login(kb.people.owner).post(reverse("kb:edit", kwargs={"space": kb.space.slug, "pk": kb.page.pk}),
                                           {"title": "Démarches CAF", "body": "Mon texte à moi", "base": 1})
    content = response.content.decode()
    assert response.status_code == 200 and "Quelqu’un a enregistré cette page" in content and "Mon texte à moi" in content


def test_bad_uploads_and_bad_numbers_are_french_messages_not_errors(kb, login):
    client = login(kb.host)
    kw = {"space": kb.space.slug, "pk": kb.page.pk}
    response = client.post(reverse("kb:upload", kwargs=kw), {"file": SimpleUploadedFile("virus.exe", b"MZ...")}, follow=True)
    assert "Ce type de fichier n’est pas accepté" in response.content.decode()
    response = client.post(reverse("kb:upload", kwargs=kw), {"file": SimpleUploadedFile("faux.pdf", b"pas un pdf")}, follow=True)
    assert "ne correspond pas" in response.content.decode()
    assert not Attachment.objects.exists()
    for query in ("?de=abc&a=1", "?de=99&a=1", "?de=-1", "?a=0"):
        assert client.get(reverse("kb:compare", kwargs=kw) + query).status_code in (200, 404), query
    assert client.get(reverse("kb:version", kwargs={**kw, "number": 99})).status_code == 404
    assert client.get(reverse("kb:index", kwargs={"space": kb.space.slug}) + "?q=%00%00&page=zz").status_code == 200
