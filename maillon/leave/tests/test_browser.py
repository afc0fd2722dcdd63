"""End to end at 390 px: a staff member simulates a leave request on « Mes congés »; once the
request is approved (the procedures engine calls record_approved_request) the balance moves."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from maillon.accounts.models import Membership
from maillon.leave import services
from maillon.leave.models import LeaveType
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_simulates_leave_on_a_phone_and_the_balance_moves_after_approval(browser):
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
    page = browser.phone()
    browser.log_in(page, "lea.conges", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    assert page.get_by_role("heading", name="Mon solde de congés").is_visible()
    page.locator("nav.bottomnav").get_by_role("link", name="Mes congés").click()
    page.wait_for_url("**/navigateur/conges/")
    page.get_by_label("Premier jour").fill(monday.isoformat())
    page.get_by_label("Dernier jour").fill(friday.isoformat())
    page.get_by_role("button", name="Calculer les jours").click()
    page.wait_for_load_state()
    days = services.format_days(expected)
    status = page.get_by_role("status").filter(has_text="Cette demande compte").inner_text()  # not the (empty) live toasts region
    assert f"Cette demande compte {days} jours" in status
    assert f"après ce congé : {services.format_days(20 - expected)} jours" in status
    browser.screenshot(page, "leave-simulator-390")

    services.record_approved_request(membership=membership, leave_type=cp, start_date=monday, start_half="am", end_date=friday,
                                     end_half="pm", reference="browser:1", actor=user)
    after = services.balance(membership, cp)  # 20 - the request (+ fractionnement days in winter)
    assert after < 20
    page.goto(f"{browser.url}/navigateur/conges/")
    balance = page.locator(".balances li").first.inner_text()
    assert f"{services.format_days(after)} jours" in balance
    assert page.locator(".ledger").get_by_text("Congé pris").is_visible()
    browser.assert_clean()
