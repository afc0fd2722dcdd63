"""A database too busy to take a write is a « try again in a moment », never a 500.

SQLite queues writers (WAL, ``BEGIN IMMEDIATE``, a 20-second busy timeout: settings.py), so a person
should never meet its « database is locked ». Should a write still wait longer than the timeout
(a long write by the worker, a backup holding the file), the answer is a French 503 with
``Retry-After``: a page, or JSON under /api/. Same for PostgreSQL's lock timeout, deadlock and
serialization failures, which say the same thing. ``BusyDatabaseMiddleware`` answers for the
views; ``errors.server_error`` (handler500), ``errors.bad_request`` (a session that could not be
saved) and the API's last handler call ``busy_response`` for what a middleware or django-ninja
caught first. Nothing here reads the database or the session.

bench/writes.py checks that it does not happen (a fair queue of writers: maillon/core/sqlite; the
signature's password checked before the transaction: accounts/signing.py).
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"
# SQLite's messages (sqlite3.OperationalError, wrapped by Django) and PostgreSQL's SQLSTATEs:
# lock_not_available (lock_timeout, NOWAIT), deadlock_detected, serialization_failure.
SQLITE_BUSY = ("database is locked", "database table is locked")
POSTGRESQL_BUSY = {"55P03", "40P01", "40001"}


def database_busy(exc: BaseException | None) -> bool:
    """The database is there but another transaction held the lock too long (not a bad query, not
    an outage). Also when that error is the cause of the one raised: the session that could not be
    saved (Django's SessionInterrupted, a 400, after UpdateError after « database is locked »)."""
    for _depth in range(4):
        if exc is None:
            return False
        if isinstance(exc, OperationalError):
            if any(text in str(exc).lower() for text in SQLITE_BUSY):
                return True
            cause = exc.__cause__
            return getattr(cause, "sqlstate", None) in POSTGRESQL_BUSY or getattr(cause, "pgcode", None) in POSTGRESQL_BUSY
        exc = exc.__cause__ or exc.__context__
    return False


def busy_message() -> str:
    return _("The server is very busy, try again in a moment.")


def busy_response(request=None, *, api: bool | None = None) -> HttpResponse:
    """The 503 a person sees: JSON under /api/ (or when ``api``), else the French page."""
    if api is None:
        api = request is not None and request.path.startswith("/api/")
    if api:
        response = JsonResponse({"detail": busy_message()}, status=503)
    else:
        response = HttpResponse(loader.get_template("core/busy.html").render({}), status=503)  # no request: no context processor
    response["Retry-After"] = RETRY_AFTER_SECONDS
    response["Cache-Control"] = "no-store"
    return response


class BusyDatabaseMiddleware:
    """A view that failed on a busy database: the 503 « try again in a moment » (also with DEBUG,
    where handler500 is not called)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)



def retry_when_busy(func, attempts: int = 3):
    """``func`` (one whole transaction: ``transaction.atomic`` inside) tried again when the
    database said busy: PostgreSQL chose it as a deadlock's victim, or SQLite's lock could not be
    taken. Either way the transaction was rolled back whole, so trying again is safe; never inside
    an outer transaction, which is rolled back (or broken) too and must fail as a whole."""
    import functools

    from django.db import connection

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                return func(*args, **kwargs)
            except OperationalError as exc:
                if attempt == attempts or connection.in_atomic_block or not database_busy(exc):
                    raise
                logger.warning("Database busy in %s (%s): trying again", func.__qualname__, exc)
        raise AssertionError("unreachable")

    return wrapper
