"""Documents: access rules, tenancy of the download address, versions, upload checks."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.content.models import Document
from maillon.content.services import ALLOWED_TYPES, check_upload
from maillon.content.tests.helpers import PDF, category, document, pdf
from maillon.testing import QueryCounter


def test_it_serves_a_document_to_staff_of_its_organisation_only(people, login):
    doc = document(people.org, "Règlement intérieur")
    url = doc.download_url()
    response = login(people.owner).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-cache"
    # The outsider cannot reach it, through its own prefix nor by guessing the id under its own.
    assert login(people.outsider).get(url).status_code == 404
    assert login(people.outsider).get(url.replace("/essais/", "/autre/")).status_code == 404
    assert login(people.outsider).get(f"/autre/documents/{doc.pk}/").status_code == 404


def test_it_keeps_restricted_documents_to_the_given_roles(people, login):
    doc = document(people.org, "Grille des salaires", roles=",hr,director,")
    assert login(people.owner).get(doc.download_url()).status_code == 404
    assert "Grille des salaires" not in login(people.owner).get("/essais/documents/").content.decode()
    hr = people.with_role(Role.HR)
    assert login(hr).get(doc.download_url()).status_code == 200
    assert "Grille des salaires" in login(hr).get("/essais/documents/").content.decode()


def test_it_lets_the_comms_officer_upload_with_access_rules(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    cat = category(people.org, "Ressources humaines")
    client = login(comms)
    response = client.post("/essais/documents/ajouter/", {"title": "Note RH", "category": cat.pk, "roles": ["hr"], "file": pdf()})
    doc = Document.objects.get(title="Note RH")
    assert response.status_code == 302
    assert doc.role_list == ["hr"] and doc.current.number == 1 and doc.current.content_type == "application/pdf"
    assert AuditEntry.objects.filter(action="content.document.create", target_id=str(doc.pk)).exists()
    # The file is not under a public media prefix.
    assert doc.current.file.name.startswith("private/documents/")


def test_it_refuses_uploads_to_staff_and_other_roles(people, login):
    cat = category(people.org)
    for user in (people.owner, people.with_role(Role.COORDINATOR), people.with_role(Role.RECEPTION)):
        client = login(user)
        assert client.get("/essais/documents/ajouter/").status_code == 403
        assert client.post("/essais/documents/ajouter/", {"title": "X", "category": cat.pk, "file": pdf()}).status_code == 403
    assert not Document.objects.filter(title="X").exists()


def test_it_refuses_another_organisations_category(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    foreign = category(people.other_org, "Ailleurs")
    response = login(comms).post("/essais/documents/ajouter/", {"title": "X", "category": foreign.pk, "file": pdf()})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.exe", b"MZ\x90\x00", "Ce type de fichier n’est pas accepté"),
    ("faux.pdf", b"<html>pas un pdf</html>", "ne correspond pas à son extension"),
    ("vide.pdf", b"", "Le fichier soumis est vide"),
])
def test_it_refuses_bad_uploads_with_a_french_message(people, login, name, content, message):
    comms = people.with_role(Role.COMMUNICATION)
    cat = category(people.org)
    upload = SimpleUploadedFile(name, content)
    response = login(comms).post("/essais/documents/ajouter/", {"title": "Mauvais", "category": cat.pk, "file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.filter(title="Mauvais").exists()


def test_it_refuses_a_file_too_large(settings):
    from maillon.content import services

    big = SimpleUploadedFile("gros.pdf", b"%PDF" + b"0" * 100)
    original = services.MAX_UPLOAD_SIZE
    services.MAX_UPLOAD_SIZE = 50
    try:
        with pytest.raises(ValidationError) as error:
            check_upload(big)
    finally:
        services.MAX_UPLOAD_SIZE = original
    assert "trop volumineux" in str(error.value)


@hsettings(max_examples=60, deadline=None)
@given(extension=st.sampled_from(sorted(ALLOWED_TYPES)), head=st.binary(min_size=1, max_size=16))
def test_it_accepts_a_file_only_when_its_content_matches_its_extension(extension, head):
    _content_type, signatures = ALLOWED_TYPES[extension]
    upload = SimpleUploadedFile(f"f.{extension}", head)
    expected = b"\x00" not in head if signatures is None else head.startswith(signatures)
    try:
        check_upload(upload)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == expected


def test_it_replaces_the_file_and_keeps_the_address(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    doc = document(people.org, "Planning été")
    url = doc.download_url()
    client = login(comms)
    response = client.post(f"/essais/documents/{doc.pk}/remplacer/", {"file": pdf("planning-v2.pdf", b"%PDF-1.7 nouvelle version")})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.download_url() == url and doc.current.number == 2
    assert b"".join(login(people.owner).get(url).streaming_content) == b"%PDF-1.7 nouvelle version"
    # The previous version stays available to managers.
    client = login(comms)
    assert b"".join(client.get(url + "?version=1").streaming_content) == PDF
    page = client.get(f"/essais/documents/{doc.pk}/").content.decode()
    assert "Version 2" in page and "Version 1" in page


def test_it_refuses_a_bad_replacement_with_a_french_message(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    doc = document(people.org)
    response = login(comms).post(f"/essais/documents/{doc.pk}/remplacer/", {"file": SimpleUploadedFile("x.pdf", b"nope")})
    assert response.status_code == 400
    assert "ne correspond pas à son extension" in response.content.decode()


def test_it_deletes_after_confirmation_only(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    doc = document(people.org, "À supprimer")
    client = login(comms)
    assert "Supprimer « À supprimer »" in client.get(f"/essais/documents/{doc.pk}/supprimer/").content.decode()
    assert Document.objects.filter(pk=doc.pk).exists()
    client.post(f"/essais/documents/{doc.pk}/supprimer/")
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert login(people.owner).get(doc.download_url()).status_code == 404


def test_it_does_not_let_a_comms_officer_touch_another_organisations_document(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    foreign = document(people.other_org, "Ailleurs")
    client = login(comms)
    assert client.get(f"/essais/documents/{foreign.pk}/modifier/").status_code == 404
    assert client.post(f"/essais/documents/{foreign.pk}/supprimer/").status_code == 404
    assert client.post(f"/essais/documents/{foreign.pk}/remplacer/", {"file": pdf()}).status_code == 404
    assert Document.objects.filter(pk=foreign.pk).exists()


def test_its_library_query_count_does_not_grow(people, login):
    client = login(people.owner)
    document(people.org, "Doc 0")
    client.get("/essais/documents/")
    with QueryCounter() as few:
        client.get("/essais/documents/")
    for i in range(1, 20):
        document(people.org, f"Doc {i}", category_name=f"Catégorie {i % 4}")
    with QueryCounter() as many:
        client.get("/essais/documents/")
    assert len(many) == len(few)
