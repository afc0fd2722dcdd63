"""Public pages of problem reports: the list, « Signaler un problème » (bad input refused in
French, photo stripped of its location, honeypot, rate limits), a report's page and its
visibility, the map's policy, budgets (queries, compressed size)."""

from __future__ import annotations

import gzip
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from maillon.citizens import antiabuse
from maillon.citizens.models import Moderation
from maillon.citizens.testing import login_citizen, make_commune
from maillon.signalements.models import Report

from .helpers import World, jpeg_with_gps, png_bytes

pytestmark = pytest.mark.django_db

FORM = "/sainte-essai/signalements/nouveau/"
# The citizens app's messages (its catalogue translates them).
TOO_LARGE = "The file is too large (%(max)s MB at most)."
TOO_MANY = "Too many sends with this e-mail address in the last hour. Please try again later."


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return World()


def _post(client, world, **data):
    payload = {"category": world.categories[0].pk, "description": "Le lampadaire de la place est éteint.",
               "address": "", "latitude": "", "longitude": "", "website": ""}
    payload.update(data)
    return client.post(FORM, payload)


def _fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def test_the_form_asks_a_citizen_to_sign_in(client, world):
    response = client.get(FORM)
    assert response.status_code == 302 and "/sainte-essai/citoyens/connexion/?next=" in response["Location"]


def test_a_report_with_a_typed_address_and_a_photo_is_kept_without_its_location(client, world):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo has a GPS position
    login_citizen(client, world.citizen)
    response = _post(client, world, address="  12   rue des Écoles ",
                     photo=SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg"))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sainte-essai/signalements/{report.reference}/"
    assert report.organisation == world.commune and report.citizen == world.citizen
    assert report.address == "12 rue des Écoles" and not report.has_point
    assert report.moderation == Moderation.PENDING and report.status == Report.Status.NEW
    with report.photo.open("rb") as handle:
        stored = handle.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    exif = image.getexif()
    assert not exif.get_ifd(0x8825) and 0x8825 not in exif and 0x010F not in exif and 0x0110 not in exif
    assert b"Fabricant" not in stored and b"GPS" not in stored and "exif" not in image.info
    assert report.photo.name.startswith(f"signalements/{world.commune.pk}/") and "IMG_0001" not in report.photo.name
    # The citizen lands on the report's page: the number, « awaiting the commune ».
    page = client.get(response["Location"]).content.decode()
    assert report.reference in page and "Nouveau" in page


def test_a_point_on_the_map_may_replace_the_address(client, world):
    login_citizen(client, world.citizen)
    response = _post(client, world, latitude="43.641200", longitude="0.892100",
                     photo=SimpleUploadedFile("plan.png", png_bytes(), content_type="image/png"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.has_point and str(report.latitude) == "43.641200" and report.address == ""


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "address", "Give the address or the place, or place a point on the map."),
    ({"latitude": "48.85"}, "longitude", "Give both the latitude and the longitude, or neither."),
    ({"latitude": "40.71", "longitude": "-74.00"}, "latitude", "This point is outside France: check the latitude and the longitude."),
    ({"latitude": "abc", "longitude": "2"}, "latitude", None),
    ({"address": "Place", "description": "   "}, "description", "Describe the problem."),
    ({"address": "Place", "category": "999999"}, "category", "Choose one of the categories offered."),
])
def test_bad_input_is_refused_in_french_and_nothing_is_kept(client, world, data, field, message):
    login_citizen(client, world.citizen)
    response = _post(client, world, **data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    page = response.content.decode()
    assert "Il y a un problème" in page or "problème" in page
    if message:
        expected = _fr(message)
        assert expected != message, f"untranslated: {message}"
        assert expected in response.context["form"].errors[field]
    assert not Report.objects.exists()


def test_an_other_communes_category_is_refused(client, world):
    login_citizen(client, world.citizen)
    response = _post(client, world, address="Place", category=world.other_categories[0].pk)
    assert response.status_code == 400 and "category" in response.context["form"].errors
    assert not Report.objects.exists()


def test_a_huge_file_and_a_file_that_is_no_image_are_refused(client, world):
    login_citizen(client, world.citizen)
    huge = SimpleUploadedFile("enorme.jpg", b"\xff" * (antiabuse.MAX_UPLOAD_BYTES + 1), content_type="image/jpeg")
    response = _post(client, world, address="Place", photo=huge)
    assert response.status_code == 400
    errors = response.context["form"].errors["photo"]
    expected = _fr(TOO_LARGE) % {"max": 10}
    assert errors == [expected]
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 pas une image", content_type="image/jpeg")
    response = _post(client, world, address="Place", photo=fake)
    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == [_fr("This file is not an image. Send a JPEG, PNG or HEIC photo.")]
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    response = _post(client, world, address="Place", photo=SimpleUploadedFile("a.gif", gif.getvalue(), content_type="image/gif"))
    assert response.context["form"].errors["photo"] == [_fr("Send the photo as JPEG, PNG or HEIC.")]
    assert not Report.objects.exists()


def test_a_heic_photo_is_accepted_and_stored_as_jpeg(client, world):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    try:
        Image.new("RGB", (64, 64), (90, 160, 90)).save(out, "HEIF")
    except (KeyError, OSError, ValueError):  # pragma: no cover - no HEIF encoder in this build
        pytest.skip("no HEIF encoder")
    login_citizen(client, world.citizen)
    response = _post(client, world, address="Place", photo=SimpleUploadedFile("IMG.HEIC", out.getvalue(), content_type="image/heic"))
    assert response.status_code == 302
    with Report.objects.get().photo.open("rb") as handle:
        assert Image.open(handle).format == "JPEG"


def test_the_honeypot_refuses_robots(client, world):
    login_citizen(client, world.citizen)
    response = _post(client, world, address="Place", website="https://spam.example")
    assert response.status_code == 400 and "website" in response.context["form"].errors
    assert not Report.objects.exists()
    page = response.content.decode()
    assert '<div class="hp" aria-hidden="true">' in page


def test_sends_are_rate_limited(client, world, monkeypatch):
    monkeypatch.setitem(antiabuse.LIMITS, "email", 2)
    login_citizen(client, world.citizen)
    for _ in range(2):
        assert _post(client, world, address="Place").status_code == 302
    response = _post(client, world, address="Place")
    assert response.status_code == 400
    expected = _fr(TOO_MANY)
    assert expected in response.context["form"].non_field_errors()
    assert Report.objects.count() == 2


def test_the_public_list_shows_published_reports_without_personal_data(client, world):
    shown = world.report(description="Trottoir effondré rue Haute.", address="Rue Haute")
    world.report(description="Encore en attente de lecture.", published=False)
    world.report(commune=world.other, description="Dans l'autre commune.")
    rejected = world.report(description="Texte refusé.")
    Report.objects.filter(pk=rejected.pk).update(moderation=Moderation.REJECTED)
    page = client.get("/sainte-essai/signalements/").content.decode()
    assert "Trottoir effondré rue Haute." in page and shown.reference in page or "Rue Haute" in page
    assert "Encore en attente" not in page and "autre commune" not in page and "Texte refusé" not in page
    assert "Odile" not in page and "Peyrot" not in page and "habitante@exemple.test" not in page


def test_the_public_list_filters_by_category(client, world):
    world.report(description="Lampadaire éteint.", category=world.categories[1])
    world.report(description="Nid-de-poule.", category=world.categories[0])
    page = client.get(f"/sainte-essai/signalements/?categorie={world.categories[1].pk}").content.decode()
    assert "Lampadaire éteint." in page and "Nid-de-poule." not in page
    for bad in ("abc", "-1", str(world.other_categories[0].pk), "9" * 30):
        assert client.get(f"/sainte-essai/signalements/?categorie={bad}").status_code == 200


def test_a_report_page_is_its_authors_until_published(client, world):
    report = world.report(published=False)
    path = f"/sainte-essai/signalements/{report.reference}/"
    assert client.get(path).status_code == 404  # anonymous
    login_citizen(client, world.neighbour)
    assert client.get(path).status_code == 404  # another citizen
    login_citizen(client, world.citizen)
    page = client.get(path).content.decode()
    assert "Un nid-de-poule" in page and report.reference in page
    Report.objects.filter(pk=report.pk).update(moderation=Moderation.PUBLISHED)
    login_citizen(client, world.neighbour)
    assert client.get(path).status_code == 200


def test_another_commune_never_shows_a_report(client, world):
    report = world.report()
    login_citizen(client, world.citizen)
    assert client.get(f"/autre-essai/signalements/{report.reference}/").status_code == 404
    assert client.get("/autre-essai/signalements/").content.decode().count(report.reference) == 0
    assert client.get("/sainte-essai/signalements/S-ZZZZZZZZ/").status_code == 404


def test_pages_are_off_without_the_service(client, world):
    make_commune("sans-signalement", services=("participation",))
    for path in ("/sans-signalement/signalements/", "/sans-signalement/signalements/nouveau/"):
        assert client.get(path).status_code == 404


def test_only_the_report_pages_allow_the_tiles_origin(client, world, settings):
    settings.MAILLON_MAP_TILES_URL = "https://{s}.tuiles.exemple.fr/{z}/{x}/{y}.png"
    report = world.report(address="", latitude="43.640000", longitude="0.890000")
    login_citizen(client, world.citizen)
    form = client.get(FORM)
    assert "img-src 'self' data: blob: https://*.tuiles.exemple.fr;" in form["Content-Security-Policy"]
    assert "script-src 'self';" in form["Content-Security-Policy"]
    assert 'data-tiles="https://{s}.tuiles.exemple.fr/{z}/{x}/{y}.png"' in form.content.decode()
    detail = client.get(f"/sainte-essai/signalements/{report.reference}/")
    assert "tuiles.exemple.fr" in detail["Content-Security-Policy"]
    listing = client.get("/sainte-essai/signalements/")
    assert "tuiles.exemple.fr" not in listing["Content-Security-Policy"]
    assert "leaflet" not in listing.content.decode()


def test_the_tiles_default_to_openstreetmap(client, world, settings, monkeypatch):
    settings.MAILLON_MAP_TILES_URL = ""
    monkeypatch.delenv("MAILLON_MAP_TILES_URL", raising=False)
    login_citizen(client, world.citizen)
    response = client.get(FORM)
    assert "https://tile.openstreetmap.org;" in response["Content-Security-Policy"]
    assert "openstreetmap.org/copyright" in response.content.decode()


def test_public_pages_stay_within_budget(client, world, django_assert_max_num_queries):
    for index in range(30):
        world.report(description=f"Signalement numéro {index} " + "x" * 300, address=f"{index} rue Longue")
    report = world.report(address="", latitude="43.64", longitude="0.89")
    world.report(published=True).updates  # noqa: B018
    login_citizen(client, world.citizen)
    for path in ("/sainte-essai/signalements/", "/sainte-essai/signalements/?page=2", FORM,
                 f"/sainte-essai/signalements/{report.reference}/"):
        client.get(path)  # warm the caches a running server has
        with django_assert_max_num_queries(8) as queries:
            response = client.get(path)
        assert response.status_code == 200
        size = len(gzip.compress(response.content))
        print(f"{path}: {len(queries)} queries, {size} bytes compressed")
        assert size <= 14 * 1024, (path, size)


def test_the_portal_and_my_space_lead_to_the_reports(client, world):
    report = world.report(published=False)
    portal = client.get("/sainte-essai/citoyens/").content.decode()
    assert 'href="/sainte-essai/signalements/"' in portal and "Signaler un problème" in portal
    login_citizen(client, world.citizen)
    mine = client.get("/sainte-essai/citoyens/mon-espace/").content.decode()
    assert f"/sainte-essai/signalements/{report.reference}/" in mine
