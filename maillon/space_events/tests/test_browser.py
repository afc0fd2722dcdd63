"""In headless Chromium on a 390 px phone: a member of another organisation than the space's
owner logs in through the real form, reads the host's pinned message at the top of the feed,
comments on it, then opens the space's « Événements » tab, the next meeting, and registers; no
console error, no CSP violation. Screenshots in screenshots/."""

import pytest

from maillon.space_events.models import Registration
from maillon.spaces import feed_services
from maillon.spaces.models import Comment
from maillon.testing import TEST_PASSWORD, build_people

from .conftest import EventWorld


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_of_the_second_organisation_registers_for_the_next_meeting_on_a_phone(browser):
    world = EventWorld(build_people())
    later = world.event(title="Réunion annuelle n° 2", days=40, capacity=10)
    following = world.event(title="Réunion annuelle n° 1", days=8, capacity=10, objective="Bilan de l'année")
    feed_services.create_post(world.space, world.host, text="Un message ordinaire")
    pinned = feed_services.create_post(world.space, world.host, text="À lire : la charte du groupe", pinned=True)
    feed_services.create_post(world.space, world.host, text="Le message le plus récent")
    page = browser.phone()
    browser.log_in(page, world.people.owner.username, TEST_PASSWORD)
    page.goto(f"{browser.url}/espaces/{world.space.slug}/")
    page.get_by_role("link", name="Fil").click()
    page.wait_for_url("**/fil/")
    first = page.locator("article").first
    assert "À lire : la charte du groupe" in first.inner_text() and "Épinglé" in first.inner_text()
    first.locator("textarea").fill("Bien reçu, merci !")
    first.get_by_role("button", name="Répondre").click()
    page.wait_for_load_state()
    assert page.get_by_text("Bien reçu, merci !").first.is_visible()
    assert Comment.objects.get(post=pinned).author == world.people.owner
    page.get_by_role("link", name="Événements").click()
    page.wait_for_url("**/evenements/")
    rows = page.locator("ul.rows .row-primary a")
    assert rows.first.inner_text() == "Réunion annuelle n° 1"
    rows.first.click()
    page.wait_for_url(f"**/evenements/{following.pk}/")
    assert "Bilan de l'année" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.get_by_role("button", name="S'inscrire").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vous êtes inscrit·e.").is_visible()
    assert page.get_by_role("button", name="Annuler mon inscription").is_visible()
    browser.screenshot(page, "space-event-registered-390")
    assert Registration.objects.get(event=following, user=world.people.owner).status == "registered"
    assert not Registration.objects.filter(event=later).exists()
    browser.assert_clean()
