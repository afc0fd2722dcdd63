"""The organisation's identity: a logo through the settings page (an SVG is refused in French,
even disguised), colours applied so that every text pair passes WCAG AA, the demo's logo, and the
login page branded with the FEDER block."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from maillon.accounts.roles import Role
from maillon.organisations import theme
from maillon.organisations.demo import seed_logos
from maillon.organisations.models import Organisation, contrast_ratio

pytestmark = pytest.mark.django_db

URL = "/essais/admin/organisation/"
FORM = {"name": "Centre social des Essais", "address": "", "siret": "", "primary_colour": "#1d4f91", "accent_colour": "#b8336a"}
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
REFUSED = "Les logos SVG ne sont pas acceptés (ils peuvent contenir des scripts)."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(("name", "content_type"), [("logo.svg", "image/svg+xml"), ("logo.png", "image/png")])
def test_an_svg_logo_with_a_script_is_refused_in_french_even_named_png(people, login, name, content_type):
    client = login(people.with_role(Role.ADMIN))
    response = client.post(URL, {**FORM, "logo": SimpleUploadedFile(name, SVG, content_type=content_type)})
    assert response.status_code == 200
    assert REFUSED in response.content.decode().replace("&#x27;", "'")
    people.org.refresh_from_db()
    assert not people.org.logo


def test_a_text_file_is_refused_with_the_formats_to_use(people, login):
    client = login(people.with_role(Role.ADMIN))
    response = client.post(URL, {**FORM, "logo": SimpleUploadedFile("logo.png", b"hello", content_type="image/png")})
    assert "Ce fichier n&#x27;est pas une image" in response.content.decode() or "n'est pas une image" in response.content.decode()


colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(primary=colours, accent=colours)
def test_every_text_pair_of_the_palette_passes_wcag_aa(primary, accent):
    p = theme.palette(primary, accent)
    assert contrast_ratio(p["primary"], p["on-primary"]) >= 4.5  # bars and buttons
    assert contrast_ratio(p["primary"], theme.PAGE) >= 4.5  # links on the page background
    assert contrast_ratio(p["primary-dark"], p["primary-soft"]) >= 4.5  # counters, highlights
    assert contrast_ratio(p["primary-dark"], "#ffffff") >= 4.5
    assert contrast_ratio(p["accent"], "#ffffff") >= 4.5  # the unread badge


def test_a_colour_that_already_passes_is_kept_as_chosen():
    assert theme.palette("#1d4f91", "#b8336a")["primary"] == "#1d4f91"
    assert theme.palette("#1d4f91", "#b8336a")["accent"] == "#b8336a"


def test_every_page_carries_the_organisations_palette(people, login):
    people.org.primary_colour = "#7a1f4b"
    people.org.save()
    page = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert theme.css_variables("#7a1f4b", people.org.accent_colour) in page
    assert "--primary-soft:" in page and "--primary-dark:" in page


def test_the_demo_centre_gets_its_logo_through_the_upload_path(people):
    people.org.slug = "les-tilleuls"
    people.org.save()
    seed_logos(SimpleNamespace(main=people.org, second=people.other_org))
    people.org.refresh_from_db()
    assert people.org.logo.name.startswith("logos/") and people.org.logo.name.endswith(".png")
    with people.org.logo.open("rb") as file:
        assert Image.open(file).format == "PNG"
    assert not Organisation.objects.get(pk=people.other_org.pk).logo  # no invented logo for the other one
    name = people.org.logo.name
    seed_logos(SimpleNamespace(main=people.org, second=people.other_org))  # a second demo run keeps it
    people.org.refresh_from_db()
    assert people.org.logo.name == name


def test_the_login_page_is_branded_and_shows_the_feder_block_when_an_organisation_uses_it(people, client):
    Organisation.objects.update(show_feder_block=False)
    html = client.get(reverse("account_login")).content.decode()
    assert "Connexion à Maillon" in html and "Intranet des équipes" in html
    assert "Cofinancé par l" not in html and "eu-emblem.svg" not in html
    people.org.show_feder_block = True
    people.org.save()
    html = client.get(reverse("account_login")).content.decode()
    assert "Cofinancé par l&#x27;Union européenne" in html or "Cofinancé par l'Union européenne" in html
    assert "Ce projet est cofinancé par l'Union Européenne avec le FEDER" in html
    assert 'role="img" aria-label="Emblème de l’Union européenne"' in html  # a symbol of the icon sprite


def test_the_settings_page_shows_the_current_logo_and_removes_it_on_request(people, login):
    from django.core.files.base import ContentFile

    from maillon.organisations.forms import stored_logo
    from maillon.organisations.tests.test_settings_page import png_bytes
    from maillon.ui.templatetags.maillon_assets import small_logo_url

    people.org.logo = stored_logo(ContentFile(png_bytes(), name="logo.png"))
    people.org.save()
    client = login(people.with_role(Role.ADMIN))
    page = client.get(URL).content.decode()
    assert f'<img src="{people.org.logo.url}" alt="Logo actuel"' in page and "Retirer le logo" in page
    header_logo = small_logo_url(people.org.logo)  # the header's copy (issue 14)
    assert "logos/" not in page.replace(people.org.logo.url, "").replace(header_logo, "")  # no long file name wider than a phone
    assert client.post(URL, {**FORM, "logo-clear": "on"}).status_code == 302
    people.org.refresh_from_db()
    assert not people.org.logo


def test_the_header_shows_a_small_webp_copy_of_the_logo(people, login, settings, tmp_path):
    """Issue 14: the header's 32 px logo is a 96 px WebP made once from the stored PNG, not the
    stored PNG itself (up to 512 px) that every first visit would download."""
    import io
    from pathlib import Path

    from django.core.files.base import ContentFile

    from maillon.organisations.forms import stored_logo
    from maillon.organisations.tests.test_settings_page import png_bytes

    settings.MEDIA_ROOT = tmp_path
    people.org.logo = stored_logo(ContentFile(png_bytes(), name="logo.png"))
    people.org.save()
    client = login(people.owner)
    html = client.get(f"/{people.org.slug}/notifications/").content.decode()
    small = f"/media/logos/small/{Path(people.org.logo.name).stem}.webp"
    assert f'<img src="{small}" alt="" class="brand-logo"' in html
    response = client.get(small)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=86400"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.format == "WEBP" and max(image.size) <= 96
    assert client.get(small).status_code == 200  # kept: served again from the file
    assert client.get("/media/logos/small/nothing.webp").status_code == 404
    assert client.get(f"/media/logos/small/{Path(people.org.logo.name).stem}.png").status_code == 404
    # A name too long for the file system, a NUL, a way out of the folder: 404, never a 500.
    for bad in ("a" * 5000 + ".webp", "a%00.webp", "..%2Fx.webp"):
        assert client.get(f"/media/logos/small/{bad}").status_code == 404
