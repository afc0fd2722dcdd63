"""Deleting a page (a confirmation, hosts or its author, never with sub-pages, audited, versions and
files gone) and the Markdown preview before saving (a plain submit button: no JavaScript)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.audit.models import AuditEntry
from maillon.kb import services
from maillon.kb.models import Attachment, Page, Version
from maillon.spaces import services as space_services
from maillon.spaces.models import Role

pytestmark = pytest.mark.django_db


def delete_url(kb, page):
    return reverse("kb:delete", kwargs={"space": kb.space.slug, "pk": page.pk})


def test_the_author_deletes_her_page_after_confirming_and_it_is_audited(kb, login, django_capture_on_commit_callbacks):
    page = services.create_page(kb.space, Role.CONTRIBUTOR, kb.people.owner, title="Brouillon", body="v1")
    services.save_page(page, Role.CONTRIBUTOR, kb.people.owner, title="Brouillon", body="v2")
    attachment = services.add_attachment(page, Role.CONTRIBUTOR, kb.people.owner, SimpleUploadedFile("a.txt", b"x"))
    storage, name = attachment.file.storage, attachment.file.name
    client = login(kb.people.owner)
    shown = client.get(reverse("kb:page", kwargs={"space": kb.space.slug, "pk": page.pk})).content.decode()
    assert delete_url(kb, page) in shown
    confirm = client.get(delete_url(kb, page))
    assert confirm.status_code == 200 and "ses 2 versions" in confirm.content.decode()
    assert Page.objects.filter(pk=page.pk).exists()  # a GET deletes nothing
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(kb, page))
    assert response.status_code == 302 and response["Location"] == reverse("kb:index", kwargs={"space": kb.space.slug})
    assert not Page.objects.filter(pk=page.pk).exists()
    assert not Version.objects.filter(page_id=page.pk).exists() and not Attachment.objects.filter(pk=attachment.pk).exists()
    entry = AuditEntry.objects.get(action="kb.page_delete")
    assert entry.data["title"] == "Brouillon" and entry.data["versions"] == 2 and entry.actor == kb.people.owner
    assert not storage.exists(name)  # removed once the deletion is committed


def test_only_hosts_and_the_author_delete_and_never_in_an_archived_space(kb, login):
    hosts_page = kb.page
    contributor = login(kb.people.owner)
    assert delete_url(kb, hosts_page) not in contributor.get(hosts_page.get_absolute_url()).content.decode()
    assert contributor.get(delete_url(kb, hosts_page)).status_code == 403
    assert contributor.post(delete_url(kb, hosts_page)).status_code == 403
    contributor.logout()
    assert login(kb.reader).post(delete_url(kb, hosts_page)).status_code == 403
    contributor.logout()
    assert login(kb.stranger).post(delete_url(kb, hosts_page)).status_code == 404
    contributor.logout()
    space_services.set_archived(kb.space, True, actor=kb.host)
    assert login(kb.host).post(delete_url(kb, hosts_page)).status_code == 403
    assert Page.objects.filter(pk=hosts_page.pk).exists()


def test_a_page_with_sub_pages_is_not_deleted(kb, login):
    child = services.create_page(kb.space, Role.HOST, kb.host, title="Enfant", parent=kb.page)
    client = login(kb.host)
    confirm = client.get(delete_url(kb, kb.page)).content.decode()
    assert "1 sous-page" in confirm and "Supprimer la page" not in confirm
    client.post(delete_url(kb, kb.page))
    assert Page.objects.filter(pk=kb.page.pk).exists()
    # The host deletes the sub-page: back to its parent.
    response = client.post(delete_url(kb, child))
    assert response["Location"] == kb.page.get_absolute_url()


def test_preview_renders_the_markdown_and_saves_nothing(kb, login):
    client = login(kb.people.owner)
    url = reverse("kb:edit", kwargs={"space": kb.space.slug, "pk": kb.page.pk})
    body = "## Étapes\n\n- **Déclarer**\n- <script>alert(1)</script>"
    response = client.post(url, {"title": "Démarches CAF", "body": body, "base": 1, "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Aperçu" in html and "<strong>Déclarer</strong>" in html
    assert "<script>alert(1)" not in html
    assert "## Étapes" in html  # the text stays in the form
    assert Page.objects.get(pk=kb.page.pk).version_count == 1
    created = client.post(reverse("kb:new", kwargs={"space": kb.space.slug}), {"title": "", "body": "*texte*", "preview": "1"})
    assert "<em>texte</em>" in created.content.decode() and Page.objects.count() == 2
    assert client.post(url, {"title": "Démarches CAF", "body": body, "base": 1}).status_code == 302
    assert Page.objects.get(pk=kb.page.pk).version_count == 2
