"""Live events in Chromium (390 px, and 1280 px for the urgent one), through the whole ASGI application (pages and WebSocket):
maillon.js shows a toast for an event with a title, posts its ack_url with the CSRF token, and
writes a receipt's label into every ``[data-live-receipt]`` cell of the page."""

import pytest
from django.urls import reverse

from maillon.notifications import live
from maillon.notifications.services import notify
from maillon.testing_asgi import asgi_server_fixture  # noqa: F401  (the fixture asgi_server)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(browser, asgi_server, user, path, *, desktop=False):
    browser.url = asgi_server.url
    page = browser.desktop() if desktop else browser.phone()
    browser.force_login(page, user)
    page.goto(browser.url + path)
    page.locator("[data-unread-count][data-live]").wait_for(state="attached")  # the socket is open
    return page


def test_an_event_shows_a_toast_that_opens_its_page_and_posts_its_ack(browser, asgi_server, people):
    notify(people.owner, "Une notification", organisation=people.org, email=False)
    page = _open(browser, asgi_server, people.owner, f"/{people.org.slug}/tableau-de-bord/")
    badge = page.locator("[data-unread-count]")
    assert badge.inner_text() == "1"
    # Any POST view of the person's serves as ack_url here: « mark all read » empties the badge.
    asgi_server.in_server(live.send, people.owner.pk, {
        "type": "reception.message", "id": "m1", "title": "Appel de M. Martin", "body": "Rappeler avant 17 h",
        "url": reverse("notifications:list", kwargs={"org": people.org.slug}), "urgent": False,
        "ack_url": reverse("notifications:mark_all_read", kwargs={"org": people.org.slug})})
    toast = page.get_by_role("status").locator(".live-toast")
    toast.wait_for()
    assert "Appel de M. Martin" in toast.inner_text() and "Rappeler avant 17 h" in toast.inner_text()
    page.locator("[data-unread-count].is-hidden").wait_for(state="attached")
    assert badge.inner_text() == "0"
    asgi_server.screenshot(page, "live-toast-390")
    toast.get_by_role("link", name="Appel de M. Martin").click()
    page.wait_for_url(f"**/{people.org.slug}/notifications/")
    browser.assert_clean()


def test_an_urgent_event_stays_and_closes_and_a_receipt_updates_its_cells(browser, asgi_server, people):
    page = _open(browser, asgi_server, people.owner, f"/{people.org.slug}/tableau-de-bord/", desktop=True)
    asgi_server.in_server(live.send, people.owner.pk, {"type": "reception.message", "id": "m2", "title": "Urgent : l'école appelle", "url": "/", "urgent": True})
    urgent = page.get_by_role("alert").filter(has_text="l'école appelle")
    urgent.wait_for()
    page.wait_for_timeout(500)
    asgi_server.screenshot(page, "live-toast-urgent-1280")
    urgent.get_by_role("button", name="Fermer ce message").click()
    urgent.wait_for(state="detached")
    # A page listing the item (the reception desk's list of the day) gets its receipt.
    page.evaluate("""() => { for (const i of [1, 2]) { const cell = document.createElement('span');
        cell.setAttribute('data-live-receipt', 'm2'); cell.textContent = 'Envoyé'; document.querySelector('main').append(cell); } }""")
    asgi_server.in_server(live.send, people.owner.pk, {"type": "reception.receipt", "id": "m2", "state": "read", "label": "Lu à 14:32"})
    cells = page.locator("[data-live-receipt='m2'][data-state='read']")
    cells.nth(1).wait_for()
    assert cells.all_inner_texts() == ["Lu à 14:32", "Lu à 14:32"]
    browser.assert_clean()
