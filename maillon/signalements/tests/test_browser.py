"""In Chromium at 390 px: a citizen WITHOUT JavaScript reports a problem with a typed address and
a photo, lands on the report's page; a staff member takes it in hand; the citizen sees the new
status. With JavaScript, a click on the map fills the point (tiles from this site in the test).
axe (WCAG 2.1 A/AA) finds no violation on the public pages; no console error, no CSP violation.
Screenshots: /tmp/signalements/."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from maillon.citizens.testing import login_citizen
from maillon.signalements.models import Report
from maillon.testing_browser import PHONE

from .helpers import World, jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/signalements")
AXE = Axe()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}


def _citizen_cookie(browser, context, citizen) -> None:
    client = Client()
    login_citizen(client, citizen)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": browser.url}])


def _violations(page) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS)
    return [f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']}" for v in results.response["violations"]]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_citizen_without_javascript_reports_a_problem_and_follows_it(browser, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = World()
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(jpeg_with_gps((640, 480)))
    context = browser.chromium.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    _citizen_cookie(browser, context, world.citizen)
    page = context.new_page()
    page.goto(f"{browser.url}/sainte-essai/signalements/nouveau/")
    assert page.get_by_role("button", name="Placer un point sur une carte").count() == 0 or not page.get_by_role(
        "button", name="Placer un point sur une carte").is_visible()
    # Nothing typed for the place: refused in French, what was typed is kept.
    page.get_by_label("Catégorie").select_option(label="Éclairage public")
    page.get_by_label("Décrivez le problème").fill("Le lampadaire devant la boulangerie ne s'allume plus.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    assert "Il y a un problème" in page.content()
    assert "Indiquez l'adresse ou le lieu, ou placez un point sur la carte." in page.inner_text("main")
    assert page.get_by_label("Décrivez le problème").input_value().startswith("Le lampadaire")
    _shot(page, "form-error-390-nojs")
    page.get_by_label("Adresse ou lieu").fill("4 place de la Mairie")
    page.get_by_label("Photo (facultatif)").set_input_files(str(photo))
    _shot(page, "form-390-nojs")
    page.get_by_role("button", name="Envoyer le signalement").click()
    report = Report.objects.get()
    page.wait_for_url(f"**/sainte-essai/signalements/{report.reference}/")
    text = page.inner_text("main")
    assert report.reference in text and "Nouveau" in text and "4 place de la Mairie" in text
    assert "pas encore lu" in text
    _shot(page, "report-390-nojs")
    assert report.photo and report.address == "4 place de la Mairie"

    # A staff member takes it in hand, with a comment; the citizen sees it.
    staff = browser.phone()
    browser.force_login(staff, world.staff)
    staff.goto(f"{browser.url}/sainte-essai/signalements/gestion/")
    staff.get_by_role("link", name=f"{report.reference} · Éclairage public").click()
    assert staff.locator("img.report-photo").evaluate("img => img.decode().then(() => img.naturalWidth)") == 640
    staff.get_by_label("Statut").select_option(label="Pris en charge")
    staff.get_by_label("Commentaire public (envoyé à l'habitant)").fill("L'ampoule sera changée mardi.")
    staff.get_by_role("button", name="Enregistrer et prévenir l'habitant").click()
    staff.wait_for_load_state()
    _shot(staff, "staff-report-390")
    staff.goto(f"{browser.url}/sainte-essai/signalements/gestion/")
    _shot(staff, "staff-list-390")
    staff.get_by_role("link", name="Catégories").click()
    staff.get_by_label("Nouvelle catégorie").fill("Cimetière")
    staff.get_by_role("button", name="Ajouter", exact=True).click()
    assert "Catégorie ajoutée." in staff.content() and "Cimetière" in staff.inner_text("main")
    _shot(staff, "staff-categories-390")
    page.reload()
    text = page.inner_text("main")
    assert "Pris en charge" in text and "L'ampoule sera changée mardi." in text
    context.close()
    browser.assert_clean()


def test_the_map_fills_the_point_and_public_pages_pass_axe(browser, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    # Tiles from this site (the test has no Internet): any small PNG of the static files.
    settings.MAILLON_MAP_TILES_URL = "/static/signalements/leaflet/images/layers.png?{z}/{x}/{y}"
    world = World()
    published = world.report(address="", latitude="43.641200", longitude="0.892100", description="Panneau plié au carrefour.")
    world.report(description="Poubelles renversées.", address="Rue du Stade")
    page = browser.phone()
    _citizen_cookie(browser, page.context, world.citizen)
    problems = []
    for path, name in (("/sainte-essai/signalements/", "list-390"), (f"/sainte-essai/signalements/{published.reference}/", "report-map-390"),
                       ("/sainte-essai/signalements/nouveau/", "form-390")):
        response = page.goto(browser.url + path)
        assert response.status == 200, path
        if "nouveau" not in path and "S-" in path:
            page.wait_for_selector(".leaflet-marker-icon")
        problems += [f"{path}: {v}" for v in _violations(page)]
        _shot(page, name)
    # The form: the map opens on demand; a click fills the latitude and the longitude.
    page.get_by_role("button", name="Placer un point sur une carte").click()
    page.wait_for_selector(".leaflet-container")
    page.locator("[data-map-canvas]").click(position={"x": 120, "y": 90})
    page.wait_for_selector(".leaflet-marker-icon")
    lat, lng = page.get_by_label("Latitude (facultatif)").input_value(), page.get_by_label("Longitude (facultatif)").input_value()
    assert lat and lng and float(lat) and float(lng)
    _shot(page, "form-map-390")
    page.get_by_label("Décrivez le problème").fill("Un arbre est tombé sur le chemin.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url("**/sainte-essai/signalements/S-*/")
    created = Report.objects.order_by("-pk").first()
    assert created.has_point and created.address == ""
    # A refused form passes axe too.
    page.goto(f"{browser.url}/sainte-essai/signalements/nouveau/")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_load_state()
    problems += [f"refused form: {v}" for v in _violations(page)]
    assert problems == []
    # The refused form answers 400 on purpose: Chromium logs it as a failed load, nothing else may be logged.
    browser.problems[:] = [p for p in browser.problems if "status of 400" not in p]
    browser.assert_clean()
