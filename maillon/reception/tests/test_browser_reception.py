"""Live at 390 px, through the whole ASGI application (pages and WebSocket, maillon/testing_asgi.py):
the reception agent sends a phone message through the form; the recipient, in a second browser
context, sees the toast at once (and their page acknowledges it: « distribué »); the agent sees
« Lu à … » appear in their list of the day, without reloading, when the recipient opens it."""

import pytest

from maillon.accounts.roles import Role
from maillon.reception.models import PhoneMessage
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member
from maillon.testing_asgi import asgi_server_fixture  # noqa: F401  (the fixture asgi_server)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_recipient_sees_the_toast_and_the_agent_sees_it_read_without_reloading(browser, asgi_server):
    browser.url = asgi_server.url
    org = OrganisationFactory(name="Centre social du Direct", slug="direct")
    make_member(org, Role.RECEPTION, sector_name=None, username="agent.direct", first_name="Nadège", last_name="Bellerose")
    make_member(org, username="ana.direct", first_name="Ana", last_name="Lemoine")
    agent, recipient = browser.phone(), browser.phone()
    browser.log_in(recipient, "ana.direct", TEST_PASSWORD, lands_on="**/direct/tableau-de-bord/")
    recipient.locator("[data-unread-count][data-live]").wait_for(state="attached")  # its socket is open
    browser.log_in(agent, "agent.direct", TEST_PASSWORD, lands_on="**/direct/tableau-de-bord/")

    agent.goto(f"{browser.url}/direct/messages/accueil/telephone/")
    agent.get_by_label("Ana Lemoine").check()
    agent.fill("#id_caller_name", "Mme Pivoine Lagarrigue")
    agent.fill("#id_text", "Rappeler au sujet de l'inscription de mercredi.")
    agent.get_by_role("button", name="Envoyer le message").click()
    agent.get_by_text("Message envoyé à Ana Lemoine.").wait_for()

    toast = recipient.get_by_role("status").locator(".live-toast").filter(has_text="Mme Pivoine Lagarrigue")
    toast.wait_for()
    assert "Rappeler au sujet de l'inscription de mercredi." in toast.inner_text()
    assert recipient.locator("[data-unread-count]").inner_text() == "1"
    asgi_server.screenshot(recipient, "reception-live-toast-390")
    message = PhoneMessage.objects.get()
    for _ in range(50):  # the recipient's page posted the event's ack_url (with its CSRF token)
        message.refresh_from_db()
        if message.delivered_at:
            break
        recipient.wait_for_timeout(100)
    assert message.delivered_at is not None and message.read_at is None

    agent.locator("[data-unread-count][data-live]").wait_for(state="attached")
    agent.evaluate("window.notReloaded = true")
    cell = agent.locator(f"[data-live-receipt='message-{message.pk}']")
    assert not cell.inner_text().startswith("Lu")
    toast.get_by_role("link").click()  # the recipient opens it
    recipient.wait_for_url(f"**/direct/messages/{message.pk}/")
    agent.locator(f"[data-live-receipt='message-{message.pk}'][data-state='read']").wait_for()
    assert cell.inner_text().startswith("Lu à ")
    assert agent.evaluate("window.notReloaded") is True
    asgi_server.screenshot(agent, "reception-live-read-390")
    browser.assert_clean()
