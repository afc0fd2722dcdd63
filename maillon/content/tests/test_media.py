"""/media/ is never a open directory: originals and renditions of an organisation's images go
to its members only, documents never (they have their own checked address), DEBUG included."""

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import resolve
from wagtail.documents import get_document_model

from maillon.content import views
from maillon.content.editors import ensure_home
from maillon.content.tests.helpers import document
from maillon.content.tests.test_images import picture


@pytest.fixture(autouse=True)
def debug_on():
    # The case the issue names: a developer's or a misconfigured server's DEBUG=1.
    with override_settings(DEBUG=True):
        yield


def test_every_media_address_goes_through_the_checked_view():
    for path in ("/media/original_images/fete.png", "/media/images/fete.width-800.png", "/media/private/documents/1/2/x.pdf", "/media/x"):
        assert resolve(path).func is views.media_file
    assert resolve("/media/logos/logo.png").url_name == "logo"


def test_a_guessed_original_of_another_organisation_is_a_404(people, login):
    image = picture(people.org)
    rendition = image.get_rendition("width-400")
    original, small = f"/media/{image.file.name}", f"/media/{rendition.file.name}"
    # Our staff: the back office's thumbnails and originals work.
    colleague = login(people.colleague)
    response = colleague.get(original)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"\x89PNG"
    assert response["Cache-Control"].startswith("private")
    assert colleague.get(small).status_code == 200
    # Another organisation's member, and an anonymous visitor: nothing.
    outsider = login(people.outsider)
    assert outsider.get(original).status_code == 404 and outsider.get(small).status_code == 404
    from django.test import Client

    assert Client().get(original).status_code == 404
    # A file name that exists on disk but is no image record: 404 too.
    assert colleague.get(f"/media/{image.file.name}.bak").status_code == 404


def test_document_files_are_only_reachable_through_their_checked_address(people, login):
    doc = document(people.org, title="Grille des salaires", roles=",hr,")
    stored = doc.current.file.name
    assert stored.startswith("private/documents/")
    for user in (people.colleague, people.outsider, people.with_role("hr")):
        assert login(user).get(f"/media/{stored}").status_code == 404
    assert login(people.with_role("hr")).get(doc.download_url()).status_code == 200


def test_wagtail_documents_are_served_to_the_organisation_only(people, login):
    home = ensure_home(people.org)
    ensure_home(people.other_org)
    model = get_document_model()
    document = model.objects.create(title="Note interne", file=ContentFile(b"%PDF-1.4 note", name="note.pdf"), collection=home.collection)
    loose = model.objects.create(title="Sans organisation", file=ContentFile(b"%PDF-1.4 x", name="racine.pdf"))
    address = f"/documents/{document.pk}/note.pdf"
    assert login(people.colleague).get(address).status_code == 200
    assert login(people.outsider).get(address).status_code == 404
    assert login(people.colleague).get(f"/documents/{loose.pk}/racine.pdf").status_code == 404
    assert login(people.colleague).get(f"/media/{document.file.name}").status_code == 404
