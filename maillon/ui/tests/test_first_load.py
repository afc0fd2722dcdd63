"""Lighter first loads (issue 14): a cold page is ≤ 6 requests. The layout's rules that keep it
so: one stylesheet, the favicon inside the page, icons and the EU emblem in one cached sprite,
deferred scripts; the stylesheet served without its comments. bench/lcp.py measures the real
thing in Chromium (bytes, requests, LCP)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.files.base import ContentFile
from django.urls import reverse

from maillon.core.registry import registry
from maillon.ui.storage import CompactStaticFilesStorage, compact_css

MAILLON = Path(__file__).resolve().parents[2]
UI_STATIC = MAILLON / "ui" / "static"
SPRITE = UI_STATIC / "ui" / "img" / "icons.svg"
PAGES = ["tableau-de-bord/", "conges/", "agenda/", "reunions/", "demarches/", "documents/", "annuaire/equipe/", "notifications/"]


def fetched(html: str) -> list[str]:
    """What a browser fetches for this HTML besides the page itself (data: URLs cost nothing)."""
    # The web app manifest (notifications/pwa.py) is not part of the load: Chromium asks for it after
    # the page, to know whether it can be installed, and keeps it an hour.
    urls = re.findall(r'<link\b(?![^>]*\brel="manifest")[^>]*\bhref="([^"]+)"', html) + re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
    urls += re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', html) + [u.split("#")[0] for u in re.findall(r'<use\b[^>]*\bhref="([^"]+)"', html)]
    return sorted({u for u in urls if not u.startswith(("data:", "#"))})


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_a_main_page_fetches_one_stylesheet_one_script_one_sprite_and_the_logo(people, login, page):
    people.org.show_feder_block = True  # its emblem is in the sprite, not a file of its own
    people.org.logo = "logos/logo.png"
    people.org.save()
    html = login(people.owner).get(f"/{people.org.slug}/{page}").content.decode()
    files = fetched(html)
    assert len(re.findall(r'rel="stylesheet"', html)) == 1
    assert re.search(r'<link rel="icon" href="data:image/svg\+xml,', html)
    assert "Union Européenne" in html and "eu-emblem.svg" not in html
    # The layout's four (HTML + these ≤ 5 = 6 requests); a page may add one deferred script of its own.
    layout = [f for f in files if f.startswith(("/static/ui/css/maillon", "/static/ui/js/maillon", "/static/ui/img/icons", "/media/logos/small/"))]
    assert len(layout) == 4 and len(files) <= 5, files
    assert all("defer" in tag for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html))


@pytest.mark.django_db
def test_the_login_page_fetches_the_stylesheet_and_two_deferred_scripts(client):
    html = client.get(reverse("account_login")).content.decode()
    assert fetched(html) == ["/static/ui/css/maillon.css", "/static/ui/js/maillon.js", "/static/ui/js/passkeys.js"]
    assert all("defer" in tag for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html))


def test_the_favicon_written_into_the_page_is_the_file():
    from urllib.parse import unquote

    from maillon.ui.templatetags.maillon_assets import favicon_uri

    uri = favicon_uri()
    assert uri.startswith("data:image/svg+xml,%3Csvg") and '"' not in uri and "#" not in uri
    source = (UI_STATIC / "ui" / "img" / "favicon.svg").read_text()
    assert unquote(uri.removeprefix("data:image/svg+xml,")) == " ".join(source.split()).replace('"', "'")


def test_every_icon_the_templates_and_the_navigation_use_is_in_the_sprite():
    symbols = set(re.findall(r'<symbol id="([^"]+)"', SPRITE.read_text()))
    used = {entry.icon for entry in registry.nav.values()} | {"eu-emblem"}
    for path in MAILLON.glob("*/templates/**/*.html"):
        text = path.read_text()
        used |= set(re.findall(r"icons\.svg' %}#([a-z][a-z0-9-]*)", text)) | set(re.findall(r'{% icon "([a-z][a-z0-9-]*)" %}', text))
    assert used - symbols == set()


def test_stylesheets_lose_their_comments_only():
    css = "/* the palette */\n:root {\n  --primary: #123; /* a note */\n}\n\n/*! licence */\na::after { content: \" : \"; }\n"
    assert compact_css(css) == ":root {\n--primary: #123;\n}\n/*! licence */\na::after { content: \" : \"; }\n"


def test_collectstatic_serves_our_stylesheet_without_comments(tmp_path):
    storage = CompactStaticFilesStorage(location=tmp_path)
    source = StaticFilesStorage(location=UI_STATIC)
    storage.save("ui/css/maillon.css", ContentFile(source.open("ui/css/maillon.css").read()))
    done = [hashed for _, hashed, _ in storage.post_process({"ui/css/maillon.css": (source, "ui/css/maillon.css")})]
    hashed = next(name for name in done if re.fullmatch(r"ui/css/maillon\.[0-9a-f]{12}\.css", name))
    original = (UI_STATIC / "ui" / "css" / "maillon.css").read_text()
    for name in ("ui/css/maillon.css", hashed):
        served = (tmp_path / name).read_text()
        assert "/*" not in served and len(served) < len(original) * 0.95
        assert served.count("{") == original.count("{")  # every rule is kept
    assert (tmp_path / (hashed + ".gz")).exists()


PASSKEY_SOURCES = ["mfa/static/mfa/js/webauthn-json.js", "mfa/static/mfa/js/webauthn.js", "account/static/account/js/onload.js"]
PASSKEYS = UI_STATIC / "ui" / "js" / "passkeys.js"


def passkey_bundle() -> str:
    import allauth

    root = Path(allauth.__file__).resolve().parent
    head = (f"/* allauth {allauth.__version__}'s passkey scripts in one file (issue 14: one request instead of three on the\n"
            f"   login page), unchanged, joined by « ; »: {', '.join(s.split('/static/')[1] for s in PASSKEY_SOURCES)}.\n"
            "   Made by `.venv/bin/python maillon/ui/tests/test_first_load.py`; its test fails when allauth changes them. */\n")
    # « ; » between them: each is an IIFE without a final semicolon, « })()(function… » would call it.
    return head + ";\n".join((root / source).read_text() for source in PASSKEY_SOURCES)


def test_the_passkey_bundle_is_allauths_scripts_as_installed():
    assert PASSKEYS.read_text() == passkey_bundle(), "allauth changed: run .venv/bin/python maillon/ui/tests/test_first_load.py"


if __name__ == "__main__":
    PASSKEYS.write_text(passkey_bundle())


@pytest.mark.parametrize("name", ["bell", "eu-emblem", 'x"><script>'])
def test_the_icon_tag_draws_what_the_static_tag_drew(name):
    from django.template import engines

    django_engine = engines["django"]
    context = {"name": name}
    tag = django_engine.from_string("{% load maillon_assets %}{% icon name %}").render(context)
    static = django_engine.from_string(
        """{% load static %}<svg class="icon" aria-hidden="true"><use href="{% static 'ui/img/icons.svg' %}#{{ name }}"></use></svg>""").render(context)
    assert tag == static
