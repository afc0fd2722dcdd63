"""Organisation settings: identity, theme (contrast checked), FEDER block, logo upload."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.organisations.models import Organisation, contrast_ratio, validate_siret

URL = "/essais/admin/organisation/"


def form_data(**overrides):
    data = {
        "name": "Centre social des Essais",
        "address": "1 rue de la Paix",
        "siret": "",
        "primary_colour": "#1d4f91",
        "accent_colour": "#b8336a",
    }
    data.update(overrides)
    return data


def png_bytes(size=(40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1d4f91").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.ADMIN, True), (Role.DIRECTOR, True), (Role.COMMUNICATION, True), (Role.HR, False), (Role.COORDINATOR, False), (Role.STAFF, False)],
)
def test_it_lets_only_admin_director_and_communication_edit_settings(people, login, role, allowed):
    user = people.with_role(role)
    assert login(user).get(URL).status_code == (200 if allowed else 404)


def test_it_hides_the_settings_from_another_organisation(people, login):
    admin_elsewhere = people.with_role(Role.ADMIN, organisation=people.other_org)
    client = login(admin_elsewhere)
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data(name="Piraté")).status_code == 404
    people.org.refresh_from_db()
    assert people.org.name == "Centre social des Essais"


def test_it_saves_the_theme_and_shows_it_on_every_page_with_the_feder_block(people, login):
    client = login(people.with_role(Role.COMMUNICATION))
    response = client.post(URL, form_data(primary_colour="#7a1f4b", show_feder_block="on"))
    assert response.status_code == 302
    page = client.get("/essais/tableau-de-bord/").content.decode()
    assert "--primary:#7a1f4b" in page
    assert "Ce projet est cofinancé par l&#x27;Union Européenne avec le FEDER" in page or "Ce projet est cofinancé par l'Union Européenne avec le FEDER" in page
    assert AuditEntry.objects.filter(action="organisation.settings", organisation=people.org).exists()


def test_it_hides_the_feder_block_when_turned_off(people, login):
    page = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert "FEDER" not in page


def test_it_refuses_a_colour_that_white_text_cannot_be_read_on(people, login):
    client = login(people.with_role(Role.ADMIN))
    response = client.post(URL, form_data(primary_colour="#ffff66"))
    assert response.status_code == 200
    assert "pas assez lisible" in response.content.decode()
    people.org.refresh_from_db()
    assert people.org.primary_colour == "#1d4f91"


def test_it_refuses_a_file_that_is_not_an_image_as_logo(people, login):
    client = login(people.with_role(Role.ADMIN))
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(URL, {**form_data(), "logo": fake})
    assert response.status_code == 200
    assert "image" in response.content.decode()
    people.org.refresh_from_db()
    assert not people.org.logo


def test_it_accepts_a_png_logo_and_serves_it(people, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(people.with_role(Role.ADMIN))
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    assert client.post(URL, {**form_data(), "logo": logo}).status_code == 302
    people.org.refresh_from_db()
    assert people.org.logo.url.startswith("/media/logos/")
    assert client.get(people.org.logo.url).status_code == 200


def test_it_refuses_a_too_large_logo(people, login):
    client = login(people.with_role(Role.ADMIN))
    big = SimpleUploadedFile("logo.png", png_bytes() + b"0" * (1024 * 1024 + 1), content_type="image/png")
    response = client.post(URL, {**form_data(), "logo": big})
    assert "1 Mo" in response.content.decode()


def test_it_checks_the_siret(people, login):
    client = login(people.with_role(Role.ADMIN))
    response = client.post(URL, form_data(siret="123 456 789 00010"))
    assert "SIRET" in response.content.decode()
    assert client.post(URL, form_data(siret="732 829 320 00074")).status_code == 302
    people.org.refresh_from_db()
    assert people.org.siret == "73282932000074"


@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True), st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_contrast_ratio_is_symmetric_and_bounded(first, second):
    ratio = contrast_ratio(first, second)
    assert 1 <= ratio <= 21.01
    assert ratio == pytest.approx(contrast_ratio(second, first))


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_exactly_one_check_digit_makes_a_valid_siret(prefix):
    from django.core.exceptions import ValidationError

    valid = []
    for digit in "0123456789":
        try:
            validate_siret(prefix + digit)
            valid.append(digit)
        except ValidationError:
            pass
    assert len(valid) == 1 or prefix.startswith("356000000")


def test_the_logo_view_refuses_paths_outside_the_logo_folder(client, db):
    assert client.get("/media/logos/..%2Fsecret_key").status_code == 404


def test_slug_defaults_from_the_name(db):
    organisation = Organisation(name="Maison des Habitants")
    organisation.save()
    assert organisation.slug == "maison-des-habitants"
