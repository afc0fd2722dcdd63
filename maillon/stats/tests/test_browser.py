"""In Chromium: a member's page views reach the director's statistics page, which reads at 390 px
(no sideways scrolling, charts scaled to the screen) and at 1280 px, with no CSP violation."""

import pytest

from maillon.accounts.roles import Role
from maillon.stats import services
from maillon.stats.demo import build
from maillon.stats.models import DailyStat
from maillon.stats.recording import buffer
from maillon.testing import TEST_PASSWORD, OrganisationFactory, give_totp, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_members_views_reach_the_directors_page_on_a_phone_and_a_desktop(browser):
    buffer.clear()
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="ana.anim", first_name="Ana", last_name="Lemoine")
    director = make_member(org, Role.DIRECTOR, sector_name=None, username="dir.nav")
    give_totp(director)
    member = browser.phone()
    browser.log_in(member, "ana.anim", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    member.goto(f"{browser.url}/navigateur/conges/")
    member.goto(f"{browser.url}/navigateur/reunions/")
    assert buffer.flush() == 3  # the dashboard, « Mes congés », « Réunions »
    services.aggregate_day(services.today())

    page = browser.phone()
    browser.force_login(page, director)
    page.goto(f"{browser.url}/navigateur/statistiques/")
    assert page.locator(".stats-totals dd").first.inner_text() == "1"  # one visit
    assert page.locator("#contenu").get_by_role("link", name="Mes congés").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    DailyStat.objects.bulk_create(build(org.pk, services.today(), size=48, seed=7), ignore_conflicts=True)
    for viewport, name in ((browser.phone, "stats-390"), (browser.desktop, "stats-1280")):
        page = viewport()
        browser.force_login(page, director)
        page.goto(f"{browser.url}/navigateur/statistiques/?jours=90")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        chart = page.locator("svg.chart").first.bounding_box()
        assert chart["width"] <= page.viewport_size["width"] - 16
        browser.screenshot(page, name)
        page.locator("#contenu").get_by_role("link", name="Mes congés").click()
        page.get_by_role("heading", level=1, name="Mes congés").wait_for()
        browser.screenshot(page, f"{name.replace('stats', 'stats-page')}")
    browser.assert_clean()
