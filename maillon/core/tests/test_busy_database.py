"""A write that meets a locked database (« database is locked » beyond SQLite's busy timeout, a lock
timeout or a deadlock on PostgreSQL) answers a French 503 with Retry-After, never a 500: on a page
(from a view through BusyDatabaseMiddleware, with DEBUG too, or from a middleware through
handler500) and in the API (JSON). The error is simulated; bench/writes.py shows it does not happen
under concurrent writes (issue 14)."""

import json
from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from maillon.accounts import services_tokens
from maillon.agenda.tests.helpers import room
from maillon.core import errors
from maillon.core.busy import database_busy
from maillon.core.tests import test_headers_and_outage as outage

BUSY_PAGE = "Le serveur est très occupé, réessayez dans un instant."
BUSY_JSON = {"detail": "Le serveur est très occupé, réessayez dans un instant."}
LOCKED = OperationalError("database is locked")
logged_in = outage.logged_in  # the fixture: a member's client that answers errors instead of raising them


def database_locked():
    """Every query fails as SQLite does when another writer keeps the lock beyond the busy timeout."""
    return mock.patch.object(BaseDatabaseWrapper, "_cursor", side_effect=OperationalError("database is locked"))


def booking(resource) -> dict:
    return {"title": "Atelier", "kind": "booking", "day": "2030-03-05", "start_time": "10:00", "end_time": "11:00",
            "resources": [resource.pk]}


def assert_busy_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert BUSY_PAGE in page and '<html lang="fr">' in page
    assert "Beaucoup de personnes enregistrent en même temps" in page
    assert "database is locked" not in page and "OperationalError" not in page
    assert "<script" not in page and "<style" not in page


@pytest.mark.parametrize("debug", [False, True])
def test_a_form_whose_write_meets_a_locked_database_answers_the_french_busy_page(people, logged_in, monkeypatch, settings, debug, caplog):
    settings.DEBUG = debug  # with DEBUG Django would show its technical page: the middleware answers first
    salle = room(people.org)
    monkeypatch.setattr("maillon.agenda.services.create_event", mock.Mock(side_effect=LOCKED))
    response = logged_in.post("/essais/agenda/nouveau/", booking(salle))
    assert_busy_page(response)
    assert response["Cache-Control"].startswith("no-store")
    assert any("Database busy on POST /essais/agenda/nouveau/" in r.getMessage() for r in caplog.records)


def test_a_lock_met_in_a_middleware_answers_the_busy_page_through_handler500(logged_in):
    with database_locked():  # the session, read by a middleware, is the first query
        response = logged_in.get("/essais/tableau-de-bord/")
    assert_busy_page(response)


def test_the_api_answers_the_busy_json_in_french_on_a_write(people, logged_in, monkeypatch):
    salle = room(people.org)
    monkeypatch.setattr("maillon.agenda.services.create_event", mock.Mock(side_effect=LOCKED))
    response = logged_in.post("/api/v1/agenda/bookings", {"title": "Atelier", "start": "2030-03-05T10:00:00+01:00",
                                                           "end": "2030-03-05T11:00:00+01:00", "resources": [salle.pk]},
                              content_type="application/json", headers={"X-Organisation": "essais"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert response.json() == BUSY_JSON


@pytest.mark.parametrize("auth", ["session", "token"])
def test_the_api_answers_the_busy_json_when_every_query_is_locked(people, logged_in, auth):
    from maillon.organisations.middleware import host_map

    client, headers = logged_in, {}
    if auth == "token":
        client, headers = Client(raise_request_exception=False), {"Authorization": f"Bearer {services_tokens.create_token(people.owner, 'Tableur').raw}"}
    host_map()  # cached, as on a node that was already serving
    with database_locked():
        response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == BUSY_JSON


def test_other_database_errors_keep_their_answers(people, logged_in, monkeypatch):
    """Busy is told apart from the database being unreachable (« indisponible », retry in 30 s)."""
    monkeypatch.setattr("maillon.agenda.services.create_event", mock.Mock(side_effect=OperationalError("unable to open database file")))
    response = logged_in.post("/essais/agenda/nouveau/", booking(room(people.org)))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Maillon est momentanément indisponible" in response.content.decode()
    assert BUSY_PAGE not in response.content.decode()


def session_not_saved() -> SessionInterrupted:
    """What SessionMiddleware raises (Django answers it with handler400) when saving the session met
    a locked database: each raised while handling the previous one, which becomes its context."""
    update = UpdateError()
    update.__context__ = OperationalError("database is locked")
    interrupted = SessionInterrupted("The request's session was deleted before the request completed.")
    interrupted.__context__ = update
    return interrupted


def test_a_session_that_could_not_be_saved_answers_the_busy_page_not_the_400(rf):
    assert_busy_page(errors.bad_request(rf.post("/essais/agenda/nouveau/"), session_not_saved()))
    response = errors.bad_request(rf.post("/api/v1/agenda/bookings"), session_not_saved())
    assert (response.status_code, json.loads(response.content)) == (503, BUSY_JSON)
    assert errors.bad_request(rf.get("/essais/"), SessionInterrupted("logged out elsewhere")).status_code == 400


class _PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__("lock")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("exc", "busy"), [
    (OperationalError("database is locked"), True),
    (OperationalError("database table is locked: agenda_allocation"), True),
    (OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused"), False),
    (OperationalError("no such table: x"), False),
    (ValueError("database is locked"), False),
    (None, False),
])
def test_what_counts_as_busy(exc, busy):
    assert database_busy(exc) is busy


@pytest.mark.parametrize(("sqlstate", "busy"), [("55P03", True), ("40P01", True), ("40001", True), ("08006", False)])
def test_postgresql_lock_timeouts_deadlocks_and_serialization_failures_are_busy(sqlstate, busy):
    error = OperationalError("lock")
    error.__cause__ = _PgError(sqlstate)
    assert database_busy(error) is busy


def test_the_task_worker_claims_again_when_the_database_is_busy(monkeypatch):
    from maillon.core.management.commands import worker

    calls = mock.Mock(side_effect=[OperationalError("database is locked"), None])
    monkeypatch.setattr(worker, "call_command", calls)
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: None)
    worker.drain(["--interval", "1"], 1)
    assert calls.call_count == 2
    monkeypatch.setattr(worker, "call_command", mock.Mock(side_effect=OperationalError("no such table: x")))
    with pytest.raises(OperationalError):
        worker.drain([], 1)


def test_a_whole_transaction_is_tried_again_when_the_database_was_busy():
    from maillon.core.busy import retry_when_busy

    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = _PgError("40P01")  # PostgreSQL chose this transaction as the victim
    work = mock.Mock(side_effect=[deadlock, OperationalError("database is locked"), "done"], __qualname__="work")
    assert retry_when_busy(work)("x") == "done" and work.call_count == 3
    other = mock.Mock(side_effect=OperationalError("no such table: x"), __qualname__="other")
    with pytest.raises(OperationalError):
        retry_when_busy(other)()
    assert other.call_count == 1


def test_never_inside_an_outer_transaction(db):
    from maillon.core.busy import retry_when_busy

    work = mock.Mock(side_effect=OperationalError("database is locked"), __qualname__="work")
    with pytest.raises(OperationalError):
        retry_when_busy(work)()  # the test runs in a transaction: it must fail as a whole
    assert work.call_count == 1
