"""Live unread count: the browser subscribes from an organisation's page
(``/ws/notifications/?org=<slug>``), ``notify()`` / ``mark_read()`` signal a change after commit
and each connection recounts what the list of that organisation shows (that organisation's
notifications plus account-level ones). Without ``org``: every organisation's.

Without Redis the channel layer lives in one process: a notification created by another
``maillon serve`` process or by the worker reaches no socket of this one. Each connection then
also recounts every ``MAILLON_LIVE_POLL_SECONDS`` (30 s; 0 with Redis, where signals cross
processes) and sends the count when it changed.

Live events (notifications/live.py: a reception message, a read receipt…) reach every page the
person has open, whatever its organisation, as ``{"event": {...}}``; maillon.js shows them."""

import asyncio
import contextlib
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from maillon.accounts.sessions import opened_elsewhere

from .services import unread_count, user_group


def _session_alive(session) -> bool:
    """The page's session still exists: not logged out, not ended from « Mes appareils
    connectés », not expired. Checked before anything is sent, so an ended session's open
    socket receives nothing more."""
    return bool(session.session_key) and session.exists(session.session_key)


def _organisation(user, slug: str):
    """The organisation of ``slug`` if the person is an active member of it, else None."""
    from maillon.accounts.models import Membership

    membership = Membership.objects.active().select_related("organisation").filter(
        user=user, organisation__slug=slug, organisation__is_active=True).first()
    return membership.organisation if membership else None


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        session = self.scope.get("session")
        if user is None or not user.is_authenticated or session is None or opened_elsewhere(session):
            await self.close(code=4401)
            return
        self.user = user
        self.organisation = None
        slug = (parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("org") or [""])[0]
        if slug:
            self.organisation = await database_sync_to_async(_organisation)(user, slug)
            if self.organisation is None:
                await self.close(code=4404)
                return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._send_count()
        if settings.MAILLON_LIVE_POLL_SECONDS > 0:
            self.poller = asyncio.ensure_future(self._poll(settings.MAILLON_LIVE_POLL_SECONDS))

    async def disconnect(self, code):
        if hasattr(self, "poller"):
            self.poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.poller
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def _still_logged_in(self) -> bool:
        if await database_sync_to_async(_session_alive)(self.scope["session"]):
            return True
        await self.close(code=4401)
        return False

    async def _count(self) -> int:
        return await database_sync_to_async(unread_count)(self.user, self.organisation)

    async def _send_count(self, count: int | None = None):
        self.sent = await self._count() if count is None else count
        await self.send_json({"unread": self.sent})

    async def _poll(self, seconds: float):
        while True:
            await asyncio.sleep(seconds)
            if not await self._still_logged_in():
                return
            count = await self._count()
            if count != self.sent:
                await self._send_count(count)

    async def unread_changed(self, event):
        if await self._still_logged_in():
            await self._send_count()

    async def live_event(self, message):
        if await self._still_logged_in():
            await self.send_json({"event": message["event"]})
