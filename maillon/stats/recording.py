"""What the middleware keeps of a page view, and the in-memory buffer that writes it in batches.

The request path only appends a tuple to a list under a lock (no query, no I/O). A background
thread writes the buffer every ``STATS_FLUSH_SECONDS`` seconds, or sooner when it holds
``STATS_BATCH_SIZE`` views, with one ``bulk_create``; ``atexit`` writes what is left when the
process stops. A crash loses at most the last few seconds of counts, never a page: every
failure here is logged and swallowed.

The person's user id travels in the buffer only (to honour their opt-out when the batch is
written) and is never stored.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import hmac
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from maillon.accounts.roles import Role

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")

# A person's role profile is their highest role in the organisation, in this order.
PROFILE_ORDER = (Role.DIRECTOR, Role.ADMIN, Role.HR, Role.COORDINATOR, Role.SUPERVISOR, Role.COMMUNICATION,
                 Role.RECEPTION, Role.EQUIPMENT_MANAGER, Role.STAFF)

MAX_PENDING = 20_000  # the database is away for long: the oldest views go, the process does not grow

_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|nexus (7|9|10)|sm-t\d|(android(?!.*mobile))", re.IGNORECASE)
_PHONE = re.compile(r"mobi|iphone|ipod|android|windows phone|blackberry|opera mini|iemobile", re.IGNORECASE)


def device_class(user_agent: str) -> str:
    """« phone », « tablet » or « desktop » from a User-Agent header (desktop when unsure)."""
    user_agent = user_agent or ""
    if _TABLET.search(user_agent):
        return "tablet"
    if _PHONE.search(user_agent):
        return "phone"
    return "desktop"


def role_profile(roles) -> str:
    """The highest of ``roles`` (PROFILE_ORDER), « staff » for none."""
    for role in PROFILE_ORDER:
        if role in roles:
            return str(role)
    return str(Role.STAFF)


@functools.lru_cache(maxsize=4)
def _daily_key(secret: str, day: date) -> bytes:
    """Derived from SECRET_KEY and the day: never stored, different every day."""
    return hmac.new(secret.encode(), f"maillon.stats.visit:{day.isoformat()}".encode(), hashlib.sha256).digest()


def visitor_key(session_key: str, day: date) -> str:
    """The session's pseudonym for one day (16 hex characters): the same all day, unlinkable to
    the next day's and to the session key without SECRET_KEY."""
    return hmac.new(_daily_key(settings.SECRET_KEY, day), (session_key or "").encode(), hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class View:
    user_id: int  # in memory only, for the opt-out
    organisation_id: int
    date: date
    hour: int
    weekday: int
    route: str
    role: str
    device: str
    visitor: str


def make_view(*, user_id: int, organisation_id: int, route: str, roles, user_agent: str, session_key: str,
              now: datetime) -> View:
    local = now.astimezone(PARIS)
    day = local.date()
    return View(user_id, organisation_id, day, local.hour, local.weekday(), route[:120], role_profile(roles),
                device_class(user_agent), visitor_key(session_key, day))


class Buffer:
    """Page views waiting to be written. ``add`` is what a request pays."""

    def __init__(self):
        self._lock = threading.Lock()
        self._views: list[View] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = None
        self.dropped = 0

    def add(self, view: View) -> None:
        with self._lock:
            self._views.append(view)
            size = len(self._views)
            if size > MAX_PENDING:
                del self._views[: size - MAX_PENDING]
                self.dropped += size - MAX_PENDING
        if size >= settings.STATS_BATCH_SIZE:
            self._wake.set()
        if settings.STATS_BACKGROUND_FLUSH and self._pid != os.getpid():
            self._start()

    def pending(self) -> int:
        return len(self._views)

    def take(self) -> list[View]:
        with self._lock:
            views, self._views = self._views, []
        return views

    def clear(self) -> None:
        self.take()

    def flush(self) -> int:
        """Write everything buffered (one query for the opt-outs, one bulk insert). Returns the
        number of rows written. On a database error the views go back to the buffer."""
        views = self.take()
        if not views:
            return 0
        from .services import write_views

        try:
            return write_views(views)
        except Exception:  # noqa: BLE001 - statistics never take a page or a process down
            logger.exception("stats: %s page views not written yet", len(views))
            with self._lock:
                self._views[:0] = views[-MAX_PENDING:]
            return 0

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()  # a forked worker starts its own thread
            self._thread = threading.Thread(target=self._run, name="maillon-stats-flush", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        from django.db import close_old_connections, connection

        while True:
            self._wake.wait(settings.STATS_FLUSH_SECONDS)
            self._wake.clear()
            close_old_connections()
            self.flush()
            connection.close()  # this thread's own connection: nothing held between batches
            time.sleep(0.05)  # a burst of batches yields to the requests


buffer = Buffer()


@atexit.register
def _flush_at_exit() -> None:
    if settings.configured and getattr(settings, "STATS_BACKGROUND_FLUSH", False) and buffer.pending():
        try:
            buffer.flush()
        except Exception:  # noqa: BLE001
            logger.exception("stats: page views lost at exit")
