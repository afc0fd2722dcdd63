"""The live unread count over WebSocket, through the real ASGI application."""

import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from maillon.notifications.services import mark_read, notify
from maillon.testing import build_people

pytestmark = pytest.mark.django_db(transaction=True)


class WebsocketCommunicator(ApplicationCommunicator):
    """The part of channels.testing.WebsocketCommunicator these tests use. (Importing
    channels.testing needs daphne, which Maillon does not install: it serves with uvicorn.)"""

    def __init__(self, application, path, headers=None, query_string=b""):
        super().__init__(application, {
            "type": "websocket", "path": path, "raw_path": path.encode(), "query_string": query_string,
            "headers": headers or [], "subprotocols": [], "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        })

    async def connect(self, timeout=5):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, response.get("subprotocol")

    async def receive_json_from(self, timeout=5):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code=1000, timeout=5):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def _application():
    from maillon.asgi import application

    return application


def _headers(client=None):
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if client is not None:
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        headers.append((b"cookie", cookie.encode()))
    return headers


def _socket(client=None, query_string=b""):
    """The notifications socket as a page opens it: same origin, the test client's session cookie."""
    return WebsocketCommunicator(_application(), "/ws/notifications/", headers=_headers(client), query_string=query_string)


def test_an_authenticated_person_gets_the_count_then_live_updates():
    people = build_people()
    notify(people.owner, "Déjà là", organisation=people.org, email=False)
    client = Client()
    client.force_login(people.owner)

    async def scenario():
        communicator = _socket(client)
        connected, _ = await communicator.connect()
        assert connected
        assert await communicator.receive_json_from(timeout=5) == {"unread": 1}
        await database_sync_to_async(notify)(people.owner, "Nouveau", organisation=people.org, email=False)
        assert await communicator.receive_json_from(timeout=5) == {"unread": 2}
        # Someone else's notification pushes nothing to this person.
        await database_sync_to_async(notify)(people.colleague, "Pas pour vous", organisation=people.org, email=False)
        assert await communicator.receive_nothing(timeout=0.3)
        await database_sync_to_async(mark_read)(people.owner)
        assert await communicator.receive_json_from(timeout=5) == {"unread": 0}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_the_live_count_is_the_one_of_the_page_organisation():
    from maillon.testing import make_member

    people = build_people()
    make_member(people.other_org, user=people.owner)
    notify(people.owner, "Ici", organisation=people.org, email=False)
    notify(people.owner, "Compte", email=False)
    notify(people.owner, "Là-bas", organisation=people.other_org, email=False)
    client = Client()
    client.force_login(people.owner)

    async def scenario():
        here = _socket(client, b"org=essais")
        assert (await here.connect())[0]
        assert await here.receive_json_from(timeout=5) == {"unread": 2}
        # A new notice of the other organisation: this page's count does not move.
        await database_sync_to_async(notify)(people.owner, "Là-bas encore", organisation=people.other_org, email=False)
        assert await here.receive_json_from(timeout=5) == {"unread": 2}
        await database_sync_to_async(notify)(people.owner, "Ici encore", organisation=people.org, email=False)
        assert await here.receive_json_from(timeout=5) == {"unread": 3}
        await here.disconnect()
        # An organisation the person does not belong to: refused.
        foreign = _socket(client, b"org=inconnue")
        connected, code = await foreign.connect()
        assert not connected and code == 4404

    async_to_sync(scenario)()


def test_an_anonymous_visitor_is_closed():
    async def scenario():
        communicator = _socket()
        connected, code = await communicator.connect()
        assert not connected
        assert code == 4401

    async_to_sync(scenario)()


def test_a_foreign_origin_is_refused():
    people = build_people()
    client = Client()
    client.force_login(people.owner)

    async def scenario():
        headers = [h for h in _headers(client) if h[0] != b"origin"] + [(b"origin", b"https://evil.example")]
        communicator = WebsocketCommunicator(_application(), "/ws/notifications/", headers=headers)
        connected, _ = await communicator.connect()
        assert not connected

    async_to_sync(scenario)()


def test_without_redis_a_notification_from_another_process_still_reaches_the_badge(settings):
    """Another `maillon serve` process or the worker cannot signal this one's in-memory layer:
    the connection re-reads the count and sends it when it changed (and only then)."""
    from maillon.notifications.models import Notification

    settings.MAILLON_LIVE_POLL_SECONDS = 0.2
    people = build_people()
    client = Client()
    client.force_login(people.owner)

    async def scenario():
        communicator = _socket(client, b"org=essais")
        assert (await communicator.connect())[0]
        assert await communicator.receive_json_from(timeout=5) == {"unread": 0}
        assert await communicator.receive_nothing(timeout=0.6)  # nothing changed: nothing sent
        # Written as another process would: no signal on this process's channel layer.
        await database_sync_to_async(Notification.objects.create)(recipient=people.owner, organisation=people.org, title="Ailleurs")
        assert await communicator.receive_json_from(timeout=5) == {"unread": 1}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_with_redis_the_connection_does_not_poll(settings):
    from maillon.notifications.models import Notification

    settings.MAILLON_LIVE_POLL_SECONDS = 0
    people = build_people()
    client = Client()
    client.force_login(people.owner)

    async def scenario():
        communicator = _socket(client, b"org=essais")
        assert (await communicator.connect())[0]
        assert await communicator.receive_json_from(timeout=5) == {"unread": 0}
        await database_sync_to_async(Notification.objects.create)(recipient=people.owner, organisation=people.org, title="Sans signal")
        assert await communicator.receive_nothing(timeout=0.6)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_live_event_reaches_every_open_page_of_its_person_after_commit():
    """live.send(user, event): each page the person has open (whatever its organisation) gets
    ``{"event": …}`` once the transaction commits; another person gets nothing, nor does a
    rolled-back request. The unread count still comes first on connect."""
    from django.db import transaction

    from maillon.notifications import live

    people = build_people()
    owner, colleague = Client(), Client()
    owner.force_login(people.owner)
    colleague.force_login(people.colleague)
    event = {"type": "reception.message", "id": 7, "title": "Appel de M. Martin", "body": "Rappeler avant 17 h",
             "url": "/essais/accueil/7/", "urgent": True, "ack_url": "/essais/accueil/7/distribue/"}

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            live.send(people.owner.pk, {"type": "reception.message", "title": "Annulé"})
            raise RuntimeError

    async def scenario():
        pages = [_socket(owner, q) for q in (b"org=essais", b"")]
        other = _socket(colleague, b"org=essais")
        for communicator in [*pages, other]:
            assert (await communicator.connect())[0]
            assert await communicator.receive_json_from(timeout=5) == {"unread": 0}
        await database_sync_to_async(rolled_back)()
        await database_sync_to_async(live.send)(people.owner.pk, event)
        for page in pages:
            assert await page.receive_json_from(timeout=5) == {"event": event}
            assert await page.receive_nothing(timeout=0.3)
        assert await other.receive_nothing(timeout=0.3)
        for communicator in [*pages, other]:
            await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_socket_whose_session_was_ended_receives_nothing_more():
    """Logged out elsewhere (« Mes appareils connectés », logout, expiry): the page's open socket
    is closed at the next event instead of carrying it."""
    people = build_people()
    client = Client()
    client.force_login(people.owner)

    async def scenario():
        communicator = _socket(client)
        connected, _ = await communicator.connect()
        assert connected
        assert await communicator.receive_json_from(timeout=5) == {"unread": 0}
        await database_sync_to_async(client.logout)()  # the session is deleted from the store
        await database_sync_to_async(notify)(people.owner, "Après la déconnexion", organisation=people.org, email=False)
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}

    async_to_sync(scenario)()
