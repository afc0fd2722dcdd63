"""Django's database sessions, read through a query compiled once per process (issue 14).

Every page reads its session row first: ``Session.objects.get(session_key=…, expire_date__gt=now)``
built and compiled that query at each request, about eight times the time SQLite takes to answer
it. Here the same query (same table, same rows, same checks: an unknown or expired key is no
session) runs with the request's values (``core.prepared``). Writing, deleting and clearing
expired sessions are Django's own. Sessions written by Django's ``db`` engine are read alike (same
rows, same encoding): ``SESSION_ENGINE = "maillon.core.session_store"`` without Redis.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.sessions.backends import db
from django.utils import timezone

from maillon.core.prepared import prepared


@prepared(session_key="maillon-stand-in-session-key-1901", now=datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC))
def _live_session(session_key, now, model):
    return model.objects.filter(session_key=session_key, expire_date__gt=now)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        found = list(_live_session(session_key=key, now=timezone.now(), model=self.model)) if key is not None else ()
        if found:
            return found[0]
        self._session_key = None
        return None
