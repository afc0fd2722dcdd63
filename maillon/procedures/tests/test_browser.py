"""End to end at 390 px: a staff member asks for leave through the procedure, sees the days and
the balance after the request, signs; the coordinator, HR and the director each sign their
approval from their phone; the balance on the staff member's dashboard has moved; then the staff
member cancels the approved leave after a confirmation and the days come back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.procedures import services
from maillon.testing import TEST_PASSWORD, OrganisationFactory, give_totp, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_asks_for_leave_on_a_phone_and_three_approvers_sign(browser):
    from playwright.sync_api import expect

    from maillon.leave import services as leave

    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    staff = make_member(org, username="lea.phone", first_name="Léa", last_name="Martin")
    approvers = [make_member(org, Role.COORDINATOR, username="coordo"), make_member(org, Role.HR, sector_name=None, username="rh"),
                 make_member(org, Role.DIRECTOR, sector_name=None, username="direction")]
    for user in approvers[1:]:
        give_totp(user)
    hr_membership = Membership.objects.with_roles().get(user=approvers[1], organisation=org)
    request = type("R", (), {"user": approvers[1], "organisation": org, "membership": hr_membership, "META": {}})()
    services.enable_template(request, "absence-conge")
    leave.ensure_default_types(org)
    paid = leave.leave_types(org).get(code="cp")
    membership = Membership.objects.get(user=staff, organisation=org)
    leave.add_correction(membership=membership, leave_type=paid, amount=10, reason="Solde d'ouverture", actor=approvers[1])
    start = timezone.localdate() + timedelta(days=60)
    while start.weekday() != 0:
        start += timedelta(days=1)
    base = browser.url

    page = browser.phone()
    browser.log_in(page, "lea.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    page.locator("nav.bottomnav").get_by_role("link", name="Démarches").click()
    page.get_by_role("link", name="Autorisation d'absence et demande de congé").click()
    page.get_by_label("Type de congé").select_option("Congés payés")
    expect(page.get_by_label("Événement familial concerné")).to_be_hidden()  # conditional field, shown for family events only
    page.get_by_label("Date de début").fill(start.isoformat())
    page.get_by_label("Date de fin").fill((start + timedelta(days=1)).isoformat())
    page.get_by_label("Date de fin").blur()
    # Counted live (Monday and Tuesday, back on Wednesday), before any draft is saved.
    expect(page.locator("#leave-estimate")).to_contain_text("2 jours ouvrables")
    expect(page.locator("#leave-estimate")).to_contain_text("après cette demande 8 jours")
    page.get_by_role("button", name="Enregistrer le brouillon").first.click()
    assert "après cette demande <strong>8 jours</strong>" in page.content()
    page.get_by_label("Mot de passe (signature)").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Signer et envoyer").click()
    page.wait_for_selector("text=Votre demande est signée et envoyée")
    browser.screenshot(page, "procedure-submitted-390")

    for user in approvers:  # sessions opened by the test client: HR and the director hold MFA roles
        approver = browser.phone()
        browser.force_login(approver, user)
        approver.goto(f"{base}/navigateur/demarches/a-valider/")
        approver.get_by_role("link", name="Autorisation d'absence et demande de congé").click()
        approver.get_by_label("Valider").check()
        approver.get_by_label("Mot de passe (signature)").fill(TEST_PASSWORD)
        approver.get_by_role("button", name="Signer ma décision").click()
        approver.wait_for_selector("text=Votre décision est signée et enregistrée")

    page.goto(f"{base}/navigateur/tableau-de-bord/")
    leave_panel = page.locator("section[aria-labelledby=panel-leave]").inner_text()
    assert "8 jours" in leave_panel
    page.goto(f"{base}/navigateur/demarches/")
    assert "Validée" in page.locator("main .rows").first.inner_text()
    browser.screenshot(page, "procedure-approved-390")
    # Plans change: the staff member cancels the approved leave (with a confirmation).
    page.locator("main .rows").first.get_by_role("link", name="Autorisation d'absence et demande de congé").click()
    page.get_by_role("link", name="Annuler ce congé").click()
    page.wait_for_selector("text=Annuler ce congé ?")
    page.get_by_label("Motif (facultatif)").fill("Séjour reporté")
    browser.screenshot(page, "procedure-cancel-390")
    page.get_by_role("button", name="Annuler le congé").click()
    page.wait_for_selector("text=Le congé est annulé")
    page.goto(f"{base}/navigateur/tableau-de-bord/")
    assert "10 jours" in page.locator("section[aria-labelledby=panel-leave]").inner_text()
    browser.assert_clean()
