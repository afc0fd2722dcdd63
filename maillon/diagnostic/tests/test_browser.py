"""At 390 px: the director fills in the security checklist, reads the result with its bundle and
training plan, and the questionnaire; screenshots of each page (and the result at 1280 px)."""

import pytest
from django.urls import reverse

from maillon.diagnostic import services

from .test_views import completed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_director_reads_the_result_and_ticks_the_checklist_on_a_phone(browser, town):
    diagnostic = completed(town)
    membership = town.commune.memberships.get(user=town.director)
    services.record_selfcheck(membership, ["backups", "updates"])
    draft = services.start(membership)
    page = browser.phone()
    browser.force_login(page, town.director)
    page.goto(browser.url + reverse("diagnostic:index", kwargs={"org": "saint-essai"}))
    assert page.get_by_role("heading", name="Diagnostic des besoins numériques").is_visible()
    browser.screenshot(page, "diagnostic-index-390")
    page.get_by_role("link", name="Bouquet de services recommandé et plan de formation").click()
    assert page.get_by_role("heading", name="Plan de formation").is_visible()
    assert page.get_by_text("Démarches en ligne", exact=True).is_visible()
    browser.screenshot(page, "diagnostic-result-390")
    page.goto(browser.url + reverse("diagnostic:security", kwargs={"org": "saint-essai"}))
    page.get_by_label("Chaque ordinateur a un antivirus et un pare-feu activés.").check()
    page.get_by_role("button", name="Enregistrer l'autodiagnostic").click()
    assert page.get_by_role("heading", name="Score : 20/100").is_visible()
    assert page.locator("svg.chart circle").count() == 2
    browser.screenshot(page, "diagnostic-security-390")
    page.goto(browser.url + reverse("diagnostic:edit", kwargs={"org": "saint-essai", "pk": draft.pk}))
    browser.screenshot(page, "diagnostic-questionnaire-390")
    wide = browser.desktop()
    browser.force_login(wide, town.director)
    wide.goto(browser.url + reverse("diagnostic:result", kwargs={"org": "saint-essai", "pk": diagnostic.pk}))
    browser.screenshot(wide, "diagnostic-result-1280")
    assert browser.problems == [], browser.problems
    browser.assert_clean()
