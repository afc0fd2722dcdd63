"""End to end at 390 px: a staff member simulates a leave request on « Mes congés »; once the
request is approved (the procedures engine calls record_approved_request) the balance moves."""

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from maillon.accounts.models import Membership
from maillon.leave import services
from maillon.leave.models import LeaveType
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

CHROMIUM = Path(os.environ.get("MAILLON_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
IGNORED_CONSOLE = ("WebSocket connection to",)


def _chromium_or_skip():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI ({CHROMIUM} is missing: apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_simulates_leave_on_a_phone_and_the_balance_moves_after_approval(live_server, monkeypatch):
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    user = make_member(org, username="lea.conges", first_name="Léa", last_name="Martin")
    membership = Membership.objects.get(user=user, organisation=org)
    services.ensure_default_types(org)
    cp = LeaveType.objects.get(organisation=org, code="cp")
    services.add_correction(membership=membership, leave_type=cp, amount=Decimal("20"), reason="Solde repris", actor=None)
    monday = date.today() + timedelta(days=60)
    monday += timedelta(days=(7 - monday.weekday()) % 7)
    friday = monday + timedelta(days=4)
    expected = services.count_request(membership, cp, monday, "am", friday, "pm")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
            page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));")
            page.on("console", lambda m: m.type == "error" and not m.text.startswith(IGNORED_CONSOLE) and problems.append(m.text))
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(f"{live_server.url}/comptes/login/")
            page.get_by_label("Identifiant").fill("lea.conges")
            page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Se connecter", exact=True).click()
            page.wait_for_url("**/navigateur/tableau-de-bord/")
            assert page.get_by_role("heading", name="Mon solde de congés").is_visible()
            page.locator("nav.bottomnav").get_by_role("link", name="Mes congés").click()
            page.wait_for_url("**/navigateur/conges/")
            page.get_by_label("Premier jour").fill(monday.isoformat())
            page.get_by_label("Dernier jour").fill(friday.isoformat())
            page.get_by_role("button", name="Calculer les jours").click()
            page.wait_for_load_state()
            days = services.format_days(expected)
            status = page.get_by_role("status").inner_text()
            assert f"Cette demande compte {days} jours" in status
            assert f"après ce congé : {services.format_days(20 - expected)} jours" in status
            page.screenshot(path=str(SCREENSHOTS / "leave-simulator-390.png"), full_page=True)

            services.record_approved_request(membership=membership, leave_type=cp, start_date=monday, start_half="am", end_date=friday,
                                             end_half="pm", reference="browser:1", actor=user)
            after = services.balance(membership, cp)  # 20 - the request (+ fractionnement days in winter)
            assert after < 20
            page.goto(f"{live_server.url}/navigateur/conges/")
            balance = page.locator(".balances li").first.inner_text()
            assert f"{services.format_days(after)} jours" in balance
            assert page.locator(".ledger").get_by_text("Congé pris").is_visible()
            violations = page.evaluate("window.__csp")
        finally:
            browser.close()
    assert violations == []
    assert problems == []
