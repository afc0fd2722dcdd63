"""Live delivery across two ``maillon serve`` nodes sharing PostgreSQL and Redis (loopback): a
phone message written on node A reaches the recipient's WebSocket held by node B, and its
receipts (« distribué » when the recipient's page acknowledges it, « lu » when the recipient opens
it, both on node B) come back to the author's WebSocket held by node A. The nodes and helpers
are those of maillon/core/tests/test_cluster.py; runs only with PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re

import requests
from django.contrib.auth.hashers import Argon2PasswordHasher

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.core.tests.test_cluster import cluster, log_in  # noqa: F401  (cluster is the fixture)
from maillon.core.tests.test_cluster import pytestmark as cluster_marks
from maillon.testing import TEST_PASSWORD

pytestmark = cluster_marks


def argon2_password(*users) -> None:
    """The nodes check passwords with production hashers (Argon2), not the tests' fast one."""
    hasher = Argon2PasswordHasher()
    for user in users:
        user.password = hasher.encode(TEST_PASSWORD, hasher.salt())
        user.save(update_fields=["password"])


def csrf_token(session: requests.Session, url: str) -> str:
    """The token a page gives its forms (and maillon.js its POSTs)."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url).text).group(1)


@contextlib.asynccontextmanager
async def live_socket(port: int, session: requests.Session, org: str):
    """A page's socket on node ``port``, once its first unread count arrived."""
    import websockets

    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/notifications/?org={org}",
                                  additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}) as ws:
        assert "unread" in json.loads(await asyncio.wait_for(ws.recv(), 10))
        yield ws


async def next_event(ws, kind: str, timeout: float = 10) -> dict:
    """The next live event of type ``kind`` (unread counts and other events skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            event = json.loads(await ws.recv()).get("event")
            if event and event["type"] == kind:
                return event


def test_a_message_written_on_node_a_reaches_node_b_and_its_receipts_come_back(people, cluster):  # noqa: F811
    node_a, node_b = cluster
    agent = people.with_role(Role.RECEPTION)
    argon2_password(agent, people.owner)
    author = log_in(node_a, agent.username)
    recipient = log_in(node_b, people.owner.username)
    membership = Membership.objects.get(user=people.owner, organisation=people.org)
    form_url = f"http://127.0.0.1:{node_a}/{people.org.slug}/messages/accueil/telephone/"

    async def scenario():
        async with live_socket(node_a, author, people.org.slug) as author_ws, \
                live_socket(node_b, recipient, people.org.slug) as recipient_ws:
            token = await asyncio.to_thread(csrf_token, author, form_url)
            sent = await asyncio.to_thread(author.post, form_url, headers={"Referer": form_url}, data={
                "csrfmiddlewaretoken": token, "recipient": membership.pk, "caller_name": "M. Martin",
                "caller_number": "06 12 34 56 78", "text": "Rappeler avant 17 h au sujet de l'inscription.",
                "action": "call_back", "urgency": "urgent"})
            assert sent.status_code == 200 and sent.url.endswith("/messages/accueil/aujourdhui/"), sent.url
            message = await next_event(recipient_ws, "reception.message")
            assert "M. Martin" in message["title"] and message["urgent"] is True
            assert "Rappeler avant 17 h" in message["body"]

            # The recipient's page (node B) acknowledges it as maillon.js does: the author (node A) sees « distribué ».
            page = f"http://127.0.0.1:{node_b}/{people.org.slug}/tableau-de-bord/"
            token = await asyncio.to_thread(csrf_token, recipient, page)
            ack = await asyncio.to_thread(recipient.post, f"http://127.0.0.1:{node_b}{message['ack_url']}", headers={"X-CSRFToken": token})
            assert ack.status_code == 204
            receipt = await next_event(author_ws, "reception.receipt")
            assert (receipt["id"], receipt["state"]) == (message["id"], "delivered")

            # The recipient opens it (node B): « Lu à … » on the author's socket (node A).
            opened = await asyncio.to_thread(recipient.get, f"http://127.0.0.1:{node_b}{message['url']}")
            assert opened.status_code == 200 and "M. Martin" in opened.text
            receipt = await next_event(author_ws, "reception.receipt")
            assert (receipt["id"], receipt["state"]) == (message["id"], "read")
            assert receipt["label"].startswith("Lu à ")

    asyncio.run(scenario())
