"""In headless Chromium on a 390 px phone: the host ticks the arrival of a member of a third
organisation on the reception list; the meeting's attendance sheet (meetings app) shows her
present; unticked, she leaves the sheet. Then the meeting is moved and the registrant reads the
notice. Screenshots in screenshots/."""

from datetime import timedelta

import pytest

from maillon.meetings import services as meetings
from maillon.testing import build_people

from .conftest import EventWorld


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_tick_on_the_reception_list_shows_on_the_meeting_s_attendance_sheet(browser):
    world = EventWorld(build_people())
    event = world.event(title="Réunion de printemps", days=6, capacity=10)
    visitor = world.members(1)[0]
    from maillon.space_events import services

    services.register(event, visitor)
    page = browser.phone()
    browser.force_login(page, world.host)
    page.goto(f"{browser.url}/espaces/{world.space.slug}/evenements/{event.pk}/accueil/")
    page.get_by_role("button", name="Pointer l'arrivée").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Arrivé·e ✓").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browser.screenshot(page, "space-event-reception-ticked-390")
    sheet = f"{browser.url}/{world.people.other_org.slug}/reunions/{event.meeting.pk}/emargement/"
    page.goto(sheet)
    row = page.locator("tr", has_text="Camille Membre 0")
    assert "Troisième centre" in row.inner_text() and "Présent" in row.inner_text()
    browser.screenshot(page, "meeting-attendance-sheet-from-reception-390")
    page.goto(f"{browser.url}/espaces/{world.space.slug}/evenements/{event.pk}/accueil/")
    page.locator("button[aria-pressed=true]").first.click()
    page.wait_for_load_state()
    page.goto(sheet)
    assert page.locator("tr", has_text="Camille Membre 0").count() == 0
    # The meeting is moved in the meetings app: the registrant reads what changed.
    start = event.meeting.start + timedelta(days=1)
    meetings.reschedule_meeting(world.host_membership, event.meeting, start=start, end=start + timedelta(hours=2))
    other = browser.phone()
    browser.force_login(other, visitor)
    other.goto(f"{browser.url}/{world.third.slug}/notifications/")
    assert "Événement modifié : Réunion de printemps" in other.content()
    browser.screenshot(other, "space-event-changed-notice-390")
    browser.assert_clean()
