"""Maillon as an installable app (issue 15): the manifest per organisation, its icons, the service
worker (what it keeps and what it never keeps), the offline page; in Chromium, the install
criteria are met, the offline page is shown, and the strict CSP holds."""

from __future__ import annotations

import io
import json
import re
import tempfile

import pytest
from django.urls import reverse
from PIL import Image

from maillon.testing_browser import FLAGS, chromium_or_skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(response) -> Image.Image:
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_the_organisations_manifest_is_french_standalone_in_its_colours(people, login):
    people.org.primary_colour = "#7a1f5c"
    people.org.save()
    client = login(people.owner)
    response = client.get("/essais/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Centre social des Essais" and manifest["short_name"] == "Maillon"  # too long for a home screen
    assert manifest["lang"] == "fr" and manifest["display"] == "standalone" and manifest["scope"] == "/"
    assert manifest["start_url"] == "/essais/tableau-de-bord/" and manifest["id"] == "/essais/"
    assert manifest["theme_color"] == "#7a1f5c" and manifest["description"] == "L’intranet de Centre social des Essais"
    assert {(i["sizes"], i["purpose"]) for i in manifest["icons"]} == {
        ("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = png(client.get(icon["src"]))
        assert f"{image.width}x{image.height}" == icon["sizes"]
        if icon["purpose"] == "maskable":  # full-bleed: the corners are the colour, not transparent
            assert image.convert("RGB").getpixel((1, 1)) == (0x7a, 0x1f, 0x5c)
    # The page links it, with the colour of the browser's bar.
    page = client.get("/essais/tableau-de-bord/").content.decode()
    assert '<link rel="manifest" href="/essais/manifest.webmanifest" crossorigin="use-credentials">' in page
    assert '<meta name="theme-color" content="#7a1f5c">' in page


def test_another_organisations_manifest_is_a_404_and_anonymous_people_get_maillons(people, login, client):
    assert login(people.owner).get("/autre/manifest.webmanifest").status_code == 404
    client.logout()
    assert client.get("/essais/manifest.webmanifest").status_code == 302  # to the login page
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["name"] == "Maillon" and manifest["start_url"] == "/" and manifest["lang"] == "fr"
    assert '<link rel="manifest" href="/manifest.webmanifest"' in client.get(reverse("account_login")).content.decode()


def test_an_organisation_with_a_logo_gets_icons_made_from_it(people, login, settings):
    (settings.MEDIA_ROOT / "logos").mkdir()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(settings.MEDIA_ROOT / "logos" / "logo-a1b2.png")
    people.org.logo = "logos/logo-a1b2.png"
    people.org.save()
    client = login(people.owner)
    icons = client.get("/essais/manifest.webmanifest").json()["icons"]
    assert icons[0]["src"] == "/appli/icones/logo-a1b2-192.png"
    image = png(client.get(icons[0]["src"])).convert("RGB")
    assert image.size == (192, 192) and image.getpixel((96, 96)) == (200, 30, 30) and image.getpixel((2, 2)) == (255, 255, 255)
    maskable = png(client.get("/appli/icones/logo-a1b2-512-maskable.png")).convert("RGB")
    assert maskable.getpixel((256, 256)) == (200, 30, 30) and maskable.getpixel((256, 120)) == (255, 255, 255)  # in the safe zone
    assert (settings.MEDIA_ROOT / "logos" / "pwa" / "logo-a1b2-192.png").is_file()  # made once


@pytest.mark.parametrize("name", ["maillon-123456-192.png", "maillon-1d4f91-100.png", "inconnu-192.png", "..%2Fx-192.png",
                                  "maillon-1d4f91-192.gif", "a" * 300 + "-192.png"])
def test_icons_of_no_organisation_are_404(db, client, name):
    assert client.get(f"/appli/icones/{name}").status_code == 404


def test_the_service_worker_keeps_only_the_static_shell(db, client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache" and response["Service-Worker-Allowed"] == "/"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    source = response.content.decode()
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", source).group(1))
    assert set(shell) == {"/static/ui/css/maillon.css", "/static/ui/js/maillon.js", "/static/ui/img/icons.svg", "/hors-ligne/",
                          "/appli/icones/maillon-1d4f91-192.png", "/appli/icones/maillon-1d4f91-512.png"}
    # A page or an API answer is never put in the cache: only the shell's URLs are ever matched.
    assert source.count("cache.put") == 0 and "SHELL.indexOf(url.pathname) === -1" in source
    assert 'request.mode === "navigate"' in source and "caches.match(OFFLINE" in source
    assert 'addEventListener("push"' in source and 'addEventListener("notificationclick"' in source


def test_the_offline_page_is_french_and_personal_data_free(people, login):
    page = login(people.owner).get("/hors-ligne/").content.decode()
    assert "<h1>Pas de connexion</h1>" in page and "Réessayer" in page and '<html lang="fr">' in page
    assert people.owner.get_full_name() not in page and "essais" not in page


# ------------------------------------------------------------------ in Chromium


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_can_install_it_and_shows_the_offline_page(live_server, people, monkeypatch):
    """A real profile (not incognito, where Chromium never installs): no installability error once the
    service worker controls the page; offline, a page shows the French offline page."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", args=FLAGS, viewport={"width": 390, "height": 844}, locale="fr-FR")
        try:
            page = context.new_page()
            errors = []
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{live_server.url}/comptes/login/")
            page.wait_for_load_state("load")
            # The first page of this browser registers nothing (a cold first visit stays light).
            assert page.evaluate("navigator.serviceWorker.getRegistrations().then(rs => rs.length)") == 0
            page.reload()
            assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == f"{live_server.url}/"
            page.reload()
            assert page.evaluate("navigator.serviceWorker.controller !== null")
            cdp = context.new_cdp_session(page)
            assert cdp.send("Page.getAppManifest")["errors"] == []
            assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
            kept = page.evaluate("caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
                                 ".then(all => all.flat().map(r => new URL(r.url).pathname))")
            assert "/hors-ligne/" in kept and not any(p.startswith(("/comptes/", "/api/", "/essais/")) for p in kept)
            context.set_offline(True)
            page.goto(f"{live_server.url}/essais/tableau-de-bord/")
            assert page.locator("h1").inner_text() == "Pas de connexion"
            # The stylesheet came from the service worker's cache: the button is styled.
            assert page.evaluate("getComputedStyle(document.querySelector('.btn')).backgroundColor") not in ("", "rgba(0, 0, 0, 0)")
            context.set_offline(False)
            assert errors == [] or all("ERR_INTERNET_DISCONNECTED" in e for e in errors), errors
        finally:
            context.close()
