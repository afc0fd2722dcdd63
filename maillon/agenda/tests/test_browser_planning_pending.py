"""In the browser, at 390 and 1280 px: a coordinator edits a published planning, sees the
pending changes (before → after) and publishes them; the staff keep the published version
meanwhile. Screenshots: planning-pending-390 / -1280, planning-pending-staff-390."""

from datetime import date, datetime

import pytest

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.agenda import plannings
from maillon.agenda.recurrence import PARIS
from maillon.organisations.models import Sector
from maillon.testing import OrganisationFactory, make_member


def at(day, hour, minute=0):
    return datetime(2030, 4, day, hour, minute, tzinfo=PARIS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_sees_and_publishes_the_pending_changes_and_the_staff_keep_the_published_version(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    coordo = make_member(org, Role.COORDINATOR, username="coordo.phone", first_name="Inès", last_name="Roussel")
    ana = make_member(org, username="ana.anim", first_name="Ana", last_name="Lemoine")
    make_member(org, username="bruno.anim", first_name="Bruno", last_name="Perrin")
    me, a, b = (Membership.objects.get(user__username=u, organisation=org) for u in ("coordo.phone", "ana.anim", "bruno.anim"))
    sector = Sector.objects.get(organisation=org, name="Secteur Enfance")
    planning = plannings.create_planning(me, title="Vacances de printemps", sector=sector, start_date=date(2030, 4, 15),
                                         end_date=date(2030, 4, 19))
    matin = plannings.add_shift(me, planning, title="Accueil du matin", start=at(15, 8, 30), end=at(15, 12), people=[a])
    apres = plannings.add_shift(me, planning, title="Activités de l'après-midi", start=at(15, 13, 30), end=at(15, 17, 30), people=[b])
    sortie = plannings.add_shift(me, planning, title="Sortie au parc", start=at(17, 9), end=at(17, 17), people=[a, b])
    plannings.publish(me, planning)
    matin.refresh_from_db()
    plannings.update_shift(me, matin, people=[a], title=matin.title, start=at(15, 9), end=at(15, 12, 30))
    plannings.set_people(me, apres, [a, b])
    plannings.delete_shift(me, sortie)
    plannings.add_shift(me, planning, title="Veillée", start=at(18, 18), end=at(18, 21), people=[b])
    path = f"{browser.url}/navigateur/agenda/plannings/{planning.pk}/"

    for page, width in ((browser.phone(), 390), (browser.desktop(), 1280)):
        browser.force_login(page, coordo)
        page.goto(path)
        page.get_by_role("heading", name="4 modifications non publiées").wait_for()
        assert page.get_by_text("Date et horaire : 08:30–12:00 →").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        browser.screenshot(page, f"planning-pending-{width}")

    staff = browser.phone()
    browser.force_login(staff, ana)
    staff.goto(path)
    staff.get_by_text("Sortie au parc").wait_for()
    assert staff.get_by_text("Veillée").count() == 0 and staff.get_by_text("non publiée").count() == 0
    browser.screenshot(staff, "planning-pending-staff-390")

    page = browser.pages[0]
    page.get_by_role("link", name="Annuler les modifications").click()
    page.get_by_text("Revenir à la version publiée").wait_for()
    page.get_by_role("link", name="Les garder").click()
    page.get_by_role("link", name="Publier les modifications").first.click()
    page.get_by_role("button", name="Publier les modifications").click()
    page.get_by_text("Planning publié : 2 personnes prévenues de leurs changements.").wait_for()
    assert page.get_by_text("non publiée").count() == 0
    staff.reload()
    staff.get_by_text("Veillée").wait_for()
    browser.assert_clean()
