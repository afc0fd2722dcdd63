"""Room photos (checked with Pillow, served through an access-checked view, never /media/)
and approved bookings of moderated rooms, locked for ordinary users."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from maillon.accounts.roles import Role
from maillon.agenda import services
from maillon.agenda.models import Allocation, Resource
from maillon.audit.models import AuditEntry
from maillon.testing import QueryCounter

from .helpers import at, item, membership, room


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def picture(fmt="PNG", size=(800, 600), name="salle.png"):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def test_reception_adds_a_room_photo_shown_on_the_room_page_and_list_through_a_checked_view(people, login, media):
    salle = room(people.org)
    reception = login(people.with_role(Role.RECEPTION, sector_name=None))
    response = reception.post(f"/essais/ressources/{salle.pk}/photo/modifier/", {"photo": picture()})
    assert response.status_code == 302
    salle.refresh_from_db()
    assert salle.photo.name.startswith(f"agenda/photos/{people.org.pk}/") and salle.photo.name.endswith(".jpg")
    assert AuditEntry.objects.filter(action="agenda.resource.photo").exists()
    staff = login(people.owner)
    photo_url = f"/essais/ressources/{salle.pk}/photo/"
    assert f'src="{photo_url}"' in staff.get(f"/essais/ressources/{salle.pk}/").content.decode()
    assert f'src="{photo_url}?taille=petite"' in staff.get("/essais/ressources/").content.decode()
    served = staff.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg" and served["Cache-Control"].startswith("private")
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (800, 600)
    small = staff.get(photo_url + "?taille=petite")
    assert Image.open(io.BytesIO(b"".join(small.streaming_content))).size == (240, 180)
    # Never from /media/ directly, and never to another organisation.
    assert staff.get(f"/media/{salle.photo.name}").status_code == 404
    assert login(people.outsider).get(photo_url).status_code == 404
    assert login(people.outsider).get(f"/autre/ressources/{salle.pk}/photo/").status_code == 404


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("salle.png", b"not an image at all", content_type="image/png"), "Ce fichier n'est pas une image."),
    (picture("GIF", name="salle.gif"), "Envoyez la photo en JPEG, PNG ou WebP."),
])
def test_a_bad_photo_is_refused_in_french_on_the_field(people, login, upload, message):
    salle = room(people.org)
    page = login(people.with_role(Role.RECEPTION, sector_name=None)).post(f"/essais/ressources/{salle.pk}/photo/modifier/", {"photo": upload})
    assert page.status_code == 200
    assert message in page.content.decode().replace("&#x27;", "'")
    salle.refresh_from_db()
    assert not salle.photo


@pytest.mark.parametrize("limit, value, message", [
    ("PHOTO_MAX_BYTES", 100, "La photo doit peser 5 Mo au plus."),
    ("PHOTO_MAX_PIXELS", 1000, "La photo est trop grande : 40 mégapixels au plus."),
])
def test_a_photo_too_heavy_or_too_large_is_refused(people, monkeypatch, limit, value, message):
    monkeypatch.setattr(services, limit, value)
    salle = room(people.org)
    with pytest.raises(services.ValidationError) as error:
        services.set_resource_photo(membership(people.with_role(Role.RECEPTION, sector_name=None), people.org), salle, picture())
    assert error.value.message_dict["photo"] == [message]


def test_only_the_managers_of_a_room_or_item_change_its_photo(people, login):
    salle, minibus = room(people.org), item(people.org)
    assert login(people.owner).get(f"/essais/ressources/{salle.pk}/photo/modifier/").status_code == 403
    assert "Ajouter une photo" not in login(people.owner).get(f"/essais/ressources/{salle.pk}/").content.decode()
    reception = login(people.with_role(Role.RECEPTION, sector_name=None))
    assert reception.get(f"/essais/ressources/{minibus.pk}/photo/modifier/").status_code == 403
    assert login(people.outsider).post(f"/essais/ressources/{salle.pk}/photo/modifier/", {"photo": picture()}).status_code == 404
    assert reception.get(f"/essais/ressources/{salle.pk}/photo/").status_code == 404  # no photo yet


def test_the_room_list_keeps_its_query_count_with_photos(people, login):
    reception = membership(people.with_role(Role.RECEPTION, sector_name=None), people.org)
    client = login(people.owner)
    services.set_resource_photo(reception, room(people.org, "Salle 1"), picture())
    client.get("/essais/ressources/")
    with QueryCounter() as few:
        client.get("/essais/ressources/")
    for i in range(2, 6):
        services.set_resource_photo(reception, room(people.org, f"Salle {i}"), picture())
    with QueryCounter() as many:
        page = client.get("/essais/ressources/").content.decode()
    assert page.count("?taille=petite") == Resource.objects.exclude(photo="").count() == 5
    assert len(many) == len(few)


# ---- approved bookings of moderated rooms ------------------------------------------------


@pytest.fixture
def approved(people):
    salle = room(people.org, moderated=True)
    accueil = people.with_role(Role.RECEPTION, sector_name=None)
    event = services.create_event(membership(people.owner, people.org), title="Assemblée des parents", start=at(2030, 3, 5),
                                  end=at(2030, 3, 5, 11), resources=[salle]).event
    services.decide(membership(accueil, people.org), Allocation.objects.get(occurrence__event=event), True)
    return event, accueil


def test_an_approved_booking_is_locked_for_its_author_who_sees_why(people, login, approved):
    event, _accueil = approved
    occ = event.occurrences.get()
    client = login(people.owner)
    page = client.get(f"/essais/agenda/evenements/{event.pk}/").content.decode()
    assert "validée par l'accueil" in page.replace("&#x27;", "'")
    assert f"/essais/agenda/dates/{occ.pk}/modifier/" not in page
    data = {"day": "2030-03-05", "start_time": "14:00", "end_time": "15:00", "scope": "this"}
    assert client.post(f"/essais/agenda/dates/{occ.pk}/modifier/", data).status_code == 403
    assert client.post(f"/essais/agenda/dates/{occ.pk}/annuler/", {"scope": "this"}).status_code == 403
    # The equipment manager does not manage rooms: locked for them too.
    assert login(people.with_role(Role.EQUIPMENT_MANAGER, sector_name=None)).post(
        f"/essais/agenda/dates/{occ.pk}/annuler/", {"scope": "this"}).status_code == 403
    occ.refresh_from_db()
    assert (occ.start, occ.cancelled) == (at(2030, 3, 5), False)


def test_reception_still_moves_or_cancels_an_approved_booking(people, login, approved):
    event, accueil = approved
    occ = event.occurrences.get()
    client = login(accueil)
    page = client.get(f"/essais/agenda/evenements/{event.pk}/").content.decode()
    assert f"/essais/agenda/dates/{occ.pk}/modifier/" in page and "validée par l'accueil" not in page.replace("&#x27;", "'")
    data = {"day": "2030-03-05", "start_time": "14:00", "end_time": "15:00", "scope": "this"}
    assert client.post(f"/essais/agenda/dates/{occ.pk}/modifier/", data).status_code == 302
    occ.refresh_from_db()
    assert occ.start == at(2030, 3, 5, 14)
    assert client.post(f"/essais/agenda/dates/{occ.pk}/annuler/", {"scope": "this"}).status_code == 302
    occ.refresh_from_db()
    assert occ.cancelled
    assert not Allocation.objects.filter(occurrence=occ, active=True).exists()
