"""End to end at 390 and 1280 px (issue 13 item 3): the meetings form's people picker shows who
is free, on a shift, in a meeting or on leave for the chosen time and follows a change of time;
« nobody matches » is said in a live region; a refused slot proposes free ones, and choosing
one fills the date and times."""

from datetime import datetime

import pytest

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.agenda import conflicts as engine
from maillon.agenda import services as agenda
from maillon.agenda.models import Event
from maillon.agenda.recurrence import PARIS
from maillon.meetings import services
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member


def at(h, minute=0, day=3):
    return datetime(2030, 4, day, h, minute, tzinfo=PARIS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_picker_shows_availability_and_a_refusal_proposes_free_slots(browser, monkeypatch):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    coordo = make_member(org, Role.COORDINATOR, username="coordo.phone", first_name="Inès", last_name="Roussel")
    ana = make_member(org, username="ana.anim", first_name="Ana", last_name="Lemoine")
    bruno = make_member(org, username="bruno.anim", first_name="Bruno", last_name="Perrin")
    chloe = make_member(org, username="chloe.rh", first_name="Chloé", last_name="Martin")
    make_member(org, username="dina.acc", first_name="Dina", last_name="Bensaïd")

    def member(user):
        return Membership.objects.with_roles().select_related("organisation", "user").get(user=user, organisation=org)

    agenda.create_event(member(coordo), title="Accueil", kind=Event.Kind.SHIFT, start=at(9), end=at(12), people=[member(ana)])
    kind = next(t for t in services.meeting_types(org) if t.name == "COORDO")
    services.create_meeting(member(bruno), title="Point jeunesse", meeting_type=kind, start=at(10), end=at(11), send_email=False)
    monkeypatch.setattr(engine, "absences", lambda o, s, e: [(chloe.pk, at(0), at(0, day=4))] if s < at(0, day=4) and at(0) < e else [])

    page = browser.phone()
    browser.log_in(page, "coordo.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    page.goto(f"{browser.url}/navigateur/reunions/nouvelle/")
    page.locator("[name=title]").fill("Réunion d'équipe")
    page.locator("[name=day]").fill("2030-04-03")
    page.locator("[name=start_time]").fill("09:30")
    page.locator("[name=end_time]").fill("11:30")
    page.locator("[name=end_time]").dispatch_event("change")
    badge = page.locator(".people-list li", has_text="Ana Lemoine").locator(".availability")
    badge.filter(has_text="en poste, 09:00–12:00").wait_for()
    assert page.locator(".people-list li", has_text="Bruno Perrin").locator(".availability").inner_text() == "en réunion, 10:00–11:00"
    assert page.locator(".people-list li", has_text="Chloé Martin").locator(".availability").inner_text() == "en congé"
    assert page.locator(".people-list li", has_text="Dina Bensaïd").locator(".availability").inner_text() == "libre"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browser.screenshot(page, "meetings-picker-availability-390")
    # a later time: the badges follow
    page.locator("[name=start_time]").fill("14:00")
    page.locator("[name=end_time]").fill("15:00")
    page.locator("[name=end_time]").dispatch_event("change")
    badge.filter(has_text="libre").wait_for()
    # the filter: « nobody matches » is written into a live region
    search = page.get_by_label("Filtrer les personnes par nom")
    search.fill("zzz")
    search.dispatch_event("input")
    status = page.locator("[data-people-none]")
    assert status.get_attribute("role") == "status" and status.inner_text() == "Personne ne correspond à ce nom."
    search.fill("")
    search.dispatch_event("input")
    assert status.inner_text() == ""
    # back to the morning, Ana invited without a reason: refused, with free slots proposed
    page.locator("[name=start_time]").fill("09:30")
    page.locator("[name=end_time]").fill("11:30")
    page.get_by_label("Ana Lemoine").check()
    page.get_by_role("button", name="Créer et inviter").click()
    page.get_by_text("Prochains créneaux libres pour tout le monde").wait_for()
    browser.screenshot(page, "meetings-refused-suggestions-390")
    first = page.locator("[data-use-slot]").first
    expected = (first.get_attribute("data-day"), first.get_attribute("data-start"), first.get_attribute("data-end"))
    first.click()
    assert (page.locator("[name=day]").input_value(), page.locator("[name=start_time]").input_value(),
            page.locator("[name=end_time]").input_value()) == expected
    desktop = browser.desktop()
    browser.force_login(desktop, coordo)
    desktop.goto(f"{browser.url}/navigateur/reunions/nouvelle/")
    desktop.locator("[name=day]").fill("2030-04-03")
    desktop.locator("[name=start_time]").fill("09:30")
    desktop.locator("[name=end_time]").fill("11:30")
    desktop.locator("[name=end_time]").dispatch_event("change")
    desktop.locator(".people-list li", has_text="Ana Lemoine").locator(".availability", has_text="en poste").wait_for()
    browser.screenshot(desktop, "meetings-picker-availability-1280")
    browser.assert_clean()
