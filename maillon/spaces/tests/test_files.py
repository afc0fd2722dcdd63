"""The Files tab: only members download, contributors upload (checked like the content app's
documents), a removed member gets a 404 at once, files of another space are out of reach."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillon.spaces import feed_services, services
from maillon.spaces.models import Post, Role, SpaceFile, SpaceMember
from maillon.testing import make_member

pytestmark = pytest.mark.django_db


def files_url(world, rest=""):
    return f"/espaces/{world.space.slug}/fichiers/{rest}"


def pdf(name="compte-rendu.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 contenu", content_type="application/pdf")


def download_url(item):
    return f"/espaces/{item.space.slug}/fichiers/{item.pk}/{item.original_name}"


def test_a_contributor_of_another_organisation_uploads_and_members_download(world, login, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = login(world.people.owner).post(files_url(world), {"files": [pdf(), SimpleUploadedFile("notes.txt", b"bonjour")]})
    assert response.status_code == 302
    items = {f.original_name: f for f in SpaceFile.objects.filter(space=world.space)}
    assert set(items) == {"compte-rendu.pdf", "notes.txt"}
    assert items["compte-rendu.pdf"].file.name.startswith(f"private/spaces/{world.space.pk}/")
    client.logout()
    response = login(world.host).get(download_url(items["notes.txt"]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"bonjour"
    assert response["X-Content-Type-Options"] == "nosniff" and "attachment" in response["Content-Disposition"]
    assert "compte-rendu.pdf" in client.get(files_url(world)).content.decode()
    # Never through /media/.
    assert client.get(f"/media/{items['notes.txt'].file.name}").status_code == 404


def test_non_members_and_removed_members_get_404(world, login, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = feed_services.upload_files(world.space, [pdf()], world.host)[0]
    people = world.people
    for user in (people.colleague, people.outsider, world.stranger):
        client.logout()
        login(user)
        assert client.get(download_url(item)).status_code == 404
        assert client.get(files_url(world)).status_code == 404
        assert client.post(files_url(world), {"files": [pdf()]}).status_code == 404
        assert client.post(files_url(world, f"{item.pk}/supprimer/")).status_code == 404
    client.logout()
    login(people.owner)
    assert client.get(download_url(item)).status_code == 200
    services.remove_member(SpaceMember.objects.get(space=world.space, user=people.owner), actor=world.host)
    assert client.get(download_url(item)).status_code == 404
    client.logout()
    assert client.get(download_url(item)).status_code == 302  # anonymous: to the login page
    assert SpaceFile.objects.count() == 1


def test_a_file_of_another_space_is_a_404_under_this_one(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = services.create_space(membership=world.host_membership, name="Autre groupe")
    foreign = feed_services.upload_files(other, [pdf()], world.host)[0]
    client = login(world.people.owner)
    assert client.get(f"/espaces/{world.space.slug}/fichiers/{foreign.pk}/{foreign.original_name}").status_code == 404
    assert client.post(files_url(world, f"{foreign.pk}/supprimer/")).status_code == 404
    assert SpaceFile.objects.filter(pk=foreign.pk).exists()


def test_readers_download_but_do_not_upload_and_archived_spaces_take_no_file(world, login, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = feed_services.upload_files(world.space, [pdf()], world.host)[0]
    reader = make_member(world.people.other_org, username="lecteur")
    services.add_member(world.space, reader, role=Role.READER, actor=world.host)
    login(reader)
    assert client.get(download_url(item)).status_code == 200
    assert 'type="file"' not in client.get(files_url(world)).content.decode()
    assert client.post(files_url(world), {"files": [pdf()]}).status_code == 403
    services.set_archived(world.space, True, actor=world.host)
    client.logout()
    login(world.host)
    assert client.post(files_url(world), {"files": [pdf()]}).status_code == 403
    assert client.post(files_url(world, f"{item.pk}/supprimer/")).status_code == 403
    assert client.get(download_url(item)).status_code == 200
    assert SpaceFile.objects.count() == 1


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "type de fichier"),
    (SimpleUploadedFile("faux.pdf", b"<html>"), "ne correspond pas"),
    (SimpleUploadedFile("vide.txt", b""), "vide"),
])
def test_bad_files_are_refused_in_french(world, login, settings, tmp_path, upload, message):
    settings.MEDIA_ROOT = tmp_path
    client = login(world.people.owner)
    response = client.post(files_url(world), {"files": [upload]})
    assert response.status_code == 200 and message in response.content.decode()
    upload.seek(0)
    response = client.post(f"/espaces/{world.space.slug}/fil/publier/", {"text": "Avec pièce jointe", "files": [upload]})
    assert response.status_code == 200 and message in response.content.decode()
    assert not SpaceFile.objects.exists()


def test_too_large_and_too_many(world, login, settings, tmp_path, monkeypatch):
    from maillon.content import services as content

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(content, "MAX_UPLOAD_SIZE", 10)
    client = login(world.people.owner)
    assert "trop volumineux" in client.post(files_url(world), {"files": [pdf()]}).content.decode()
    monkeypatch.setattr(content, "MAX_UPLOAD_SIZE", 1000)
    response = client.post(files_url(world), {"files": [SimpleUploadedFile(f"n{i}.txt", b"x") for i in range(6)]})
    assert "5 fichiers" in response.content.decode()
    assert not SpaceFile.objects.exists()


def test_uploader_or_host_deletes_and_a_post_brings_its_files(world, login, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(world.people.owner)
    response = client.post(f"/espaces/{world.space.slug}/fil/publier/", {"text": "Le compte rendu", "files": [pdf()]})
    assert response.status_code == 302
    item = SpaceFile.objects.get()
    assert item.post.text == "Le compte rendu"
    assert "compte-rendu.pdf" in client.get(f"/espaces/{world.space.slug}/fil/").content.decode()
    assert Post.objects.get().attachments == [{"pk": item.pk, "name": "compte-rendu.pdf", "ext": "PDF", "size": 16}]
    other = feed_services.upload_files(world.space, [pdf("autre.pdf")], world.host)[0]
    assert client.post(files_url(world, f"{other.pk}/supprimer/")).status_code == 403
    with_callbacks = client.post(files_url(world, f"{item.pk}/supprimer/"))
    assert with_callbacks.status_code == 302 and not SpaceFile.objects.filter(pk=item.pk).exists()
    assert Post.objects.get().attachments == []  # the feed no longer shows it
    client.logout()
    login(world.host)
    assert client.post(files_url(world, f"{other.pk}/supprimer/")).status_code == 302
    assert not SpaceFile.objects.exists()
