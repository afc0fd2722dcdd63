"""A citizen's public pages in headless Chromium at 390 px with JavaScript turned OFF: the portal,
signing in by an e-mail link (form, « lien envoyé », confirmation, « Mon espace »), the
accessibility statement and the personal data page. Each passes axe (WCAG 2.1 A and AA) with no
violation and weighs at most 14 KB of compressed HTML. Screenshots go to /tmp/citizens/."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from maillon.citizens.testing import make_commune
from maillon.testing_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Axe()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}
SHOTS = Path("/tmp/citizens")
BUDGET = 14 * 1024


def check(page, response, name: str, report: list, axe_page) -> None:
    """Size and screenshot of the page as drawn WITHOUT JavaScript; axe (a script itself: Playwright
    cannot evaluate in a page whose scripts are off) in a twin tab with the same cookies, which
    draws the same HTML and CSS (these pages have no script of their own)."""
    html = response.body()
    size = len(gzip.compress(html))
    axe_page.context.add_cookies(page.context.cookies())
    axe_page.goto(page.url)
    found = AXE.run(axe_page, options=AXE_OPTIONS).response["violations"]
    report.append((name, size, [f"{v['id']}: {v['nodes'][0]['target']}" for v in found]))
    print(f"{name}: {size} B gzip, axe violations: {len(found)}", flush=True)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)


def test_citizen_pages_without_javascript(browser):
    make_commune("saint-essai", name="Saint-Essai-sur-Gimone")
    context = browser.chromium.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    axe_page = browser.phone()
    base = browser.url + "/saint-essai/citoyens"
    report: list = []

    response = page.goto(base + "/")
    check(page, response, "portail", report, axe_page)
    page.get_by_role("link", name="Se connecter").first.click()
    response = page.goto(page.url)
    check(page, response, "connexion", report, axe_page)
    page.get_by_label("Votre adresse électronique").fill("pas-une-adresse")
    with page.expect_navigation():
        page.get_by_role("button", name="M’envoyer un lien").click()
    assert page.title().startswith("Erreur")
    response = page.goto(base + "/connexion/")
    page.get_by_label("Votre adresse électronique").fill("habitante@exemple.test")
    with page.expect_navigation():
        page.get_by_role("button", name="M’envoyer un lien").click()
    assert page.url.endswith("/connexion/lien-envoye/")
    response = page.goto(page.url)
    check(page, response, "lien-envoye", report, axe_page)
    link = re.search(r"http://\S+/connexion/\S+/", mail.outbox[-1].body).group(0)
    response = page.goto(link)
    check(page, response, "confirmation", report, axe_page)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert page.url.endswith("/citoyens/mon-espace/")
    response = page.goto(page.url)
    check(page, response, "mon-espace", report, axe_page)
    for path, name in (("/accessibilite/", "accessibilite"), ("/donnees-personnelles/", "donnees-personnelles")):
        response = page.goto(base + path)
        check(page, response, name, report, axe_page)
    assert [(n, v) for n, _s, v in report if v] == []
    assert [(n, s) for n, s, _v in report if s > BUDGET] == []
    context.close()
