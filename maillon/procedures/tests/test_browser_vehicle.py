"""End to end at 390 px: a staff member books the minibus from its page; the booking opens the
« Demande de véhicule / ordre de mission » (not the mileage claim: that one is for one's own car)
as a draft pre-filled with the departure and return, the purpose and the vehicle, and the minibus
is held « en attente de sa démarche »; the staff member adds the destination and passengers,
certifies the driving licence, signs and sends it; the coordinator, HR (with a second factor) and
the director sign their approval from their phones; the booking is confirmed on the minibus's page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.agenda.models import Allocation, Resource
from maillon.procedures import services
from maillon.procedures.apps import register_booking_hooks
from maillon.procedures.models import Submission
from maillon.testing import TEST_PASSWORD, OrganisationFactory, give_totp, make_member

PROCEDURE = "Demande de véhicule / ordre de mission"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_booking_the_minibus_on_a_phone_opens_the_order_of_mission_and_approval_confirms_it(browser):
    from playwright.sync_api import expect

    register_booking_hooks()  # another app's test may have emptied the registry
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="noe.minibus", first_name="Noé", last_name="Garnier")
    approvers = [make_member(org, Role.COORDINATOR, username="coordo.minibus"),
                 make_member(org, Role.HR, sector_name=None, username="compta.minibus"),
                 make_member(org, Role.DIRECTOR, sector_name=None, username="direction.minibus")]
    for privileged in approvers[1:]:
        give_totp(privileged)
    hr = Membership.objects.with_roles().get(user=approvers[1], organisation=org)
    services.enable_template(type("R", (), {"user": approvers[1], "organisation": org, "membership": hr, "META": {}})(), "ordre-mission")
    minibus = Resource.objects.create(organisation=org, name="Minibus 9 places", kind=Resource.Kind.EQUIPMENT,
                                      category=Resource.Category.VEHICLE, waits_for_procedure=True)
    day = timezone.localdate() + timedelta(days=14)
    while day.weekday() != 2:  # a Wednesday
        day += timedelta(days=1)
    base = browser.url

    page = browser.phone()
    browser.log_in(page, "noe.minibus", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    page.goto(f"{base}/navigateur/ressources/{minibus.pk}/?date={day.isoformat()}")
    expect(page.get_by_text("Réserver ce véhicule ouvre aussi sa demande de véhicule / ordre de mission, déjà pré-remplie.")).to_be_visible()
    browser.screenshot(page, "vehicle-resource-390")
    page.get_by_role("link", name="Réserver", exact=True).click()
    page.get_by_label("Titre").fill("Sortie au lac de Bellecombe")
    expect(page.get_by_label("Date")).to_have_value(day.isoformat())
    page.get_by_label("Heure de début").fill("09:00")
    page.get_by_label("Heure de fin").fill("17:00")
    expect(page.get_by_label("Minibus 9 places")).to_be_checked()
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    # The draft of the order of mission, pre-filled, and why the person is here.
    page.wait_for_selector("text=est réservé pour vous")
    submission = Submission.objects.get(applicant__username="noe.minibus")
    assert page.url.endswith(f"/navigateur/demarches/dossiers/{submission.pk}/modifier/")
    expect(page.locator("input[name=vehicule]")).to_have_value("Minibus 9 places")
    expect(page.locator("[name=objet]")).to_have_value("Sortie au lac de Bellecombe")
    expect(page.locator("input[name=date_depart]")).to_have_value(day.isoformat())
    expect(page.locator("input[name=heure_depart]")).to_have_value("09:00")
    expect(page.locator("input[name=date_retour]")).to_have_value(day.isoformat())
    expect(page.locator("input[name=heure_retour]")).to_have_value("17:00")
    assert page.locator("input[name=iban]").count() == 0
    browser.screenshot(page, "vehicle-draft-390")
    allocation = Allocation.objects.get(resource=minibus)
    assert allocation.status == Allocation.Status.AWAITING_PROCEDURE and allocation.active

    page.get_by_label("Destination").fill("Base de loisirs de Bellecombe")
    page.get_by_label("Nombre de passagers").fill("8")
    page.get_by_label("Je certifie être titulaire d'un permis B valide").check()
    page.get_by_label("Mot de passe (signature)").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Signer et envoyer").click()
    page.wait_for_selector("text=Votre demande est signée et envoyée")
    browser.screenshot(page, "vehicle-submitted-390")
    page.goto(f"{base}/navigateur/ressources/{minibus.pk}/?date={day.isoformat()}")
    assert "en attente de sa démarche" in page.locator("main").inner_text()
    browser.screenshot(page, "vehicle-awaiting-390")

    for user in approvers:  # sessions opened by the test client: HR holds an MFA role
        approver = browser.phone()
        browser.force_login(approver, user)
        approver.goto(f"{base}/navigateur/demarches/a-valider/")
        approver.get_by_role("link", name=PROCEDURE).click()
        request = approver.locator("main").inner_text()
        assert "Sortie au lac de Bellecombe" in request and "Minibus 9 places" in request and "Base de loisirs de Bellecombe" in request
        approver.get_by_label("Valider").check()
        approver.get_by_label("Mot de passe (signature)").fill(TEST_PASSWORD)
        if user == approvers[-1]:
            browser.screenshot(approver, "vehicle-approve-390")
        approver.get_by_role("button", name="Signer ma décision").click()
        approver.wait_for_selector("text=Votre décision est signée et enregistrée")

    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    allocation.refresh_from_db()
    assert allocation.status == Allocation.Status.CONFIRMED and allocation.active
    page.goto(f"{base}/navigateur/ressources/{minibus.pk}/?date={day.isoformat()}")
    week = page.locator("main").inner_text()
    assert "Sortie au lac de Bellecombe" in week and "en attente" not in week
    browser.screenshot(page, "vehicle-confirmed-390")
    page.goto(f"{base}/navigateur/demarches/dossiers/{submission.pk}/")
    assert "Validée" in page.locator("main").inner_text()
    browser.screenshot(page, "vehicle-approved-390")
    browser.assert_clean()
