"""The queue of writers of ``maillon.core.sqlite`` (issue 14): a transaction waits for the one in
progress, in turn; the lock is let go at commit, at rollback and at close; a writer that waited
too long gets « database is locked » (then a French 503, core/busy.py). SQLite only: PostgreSQL
has row locks and no such queue."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections, connection, connections, transaction

from maillon.core.busy import database_busy
from maillon.core.models import PeriodicRun
from maillon.core.sqlite import base as sqlite_base

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the queue of writers is SQLite's"),
    pytest.mark.django_db(transaction=True),
]


def in_threads(*targets) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(target):
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return errors


def test_the_engine_is_the_queued_one():
    assert isinstance(connections["default"], sqlite_base.DatabaseWrapper)


def test_a_writer_waits_for_the_transaction_in_progress_then_goes():
    inside, events = threading.Event(), []

    def first():
        with transaction.atomic():
            PeriodicRun.objects.create(job="first", period="p")
            inside.set()
            time.sleep(0.5)
            events.append("first commits")

    def second():
        inside.wait(10)
        with transaction.atomic():
            events.append("second begins")
            PeriodicRun.objects.create(job="second", period="p")

    assert in_threads(first, second) == []
    assert events == ["first commits", "second begins"]
    assert PeriodicRun.objects.count() == 2


def test_a_rollback_lets_the_next_writer_in_at_once():
    inside, waited = threading.Event(), []

    def failing():
        with transaction.atomic():
            PeriodicRun.objects.create(job="rolled back", period="p")
            inside.set()
            time.sleep(0.3)
            raise ValueError("a bug")

    def second():
        inside.wait(10)
        started = time.perf_counter()
        with transaction.atomic():
            PeriodicRun.objects.create(job="second", period="p")
        waited.append(time.perf_counter() - started)

    errors = in_threads(failing, second)
    assert [type(e) for e in errors] == [ValueError]
    assert list(PeriodicRun.objects.values_list("job", flat=True)) == ["second"]
    assert waited[0] < 5  # not the busy timeout (20 s)


def test_a_writer_waiting_too_long_is_told_the_database_is_locked_and_the_queue_still_works(monkeypatch):
    monkeypatch.setattr(sqlite_base, "WRITE_QUEUE_SECONDS", 0.3)
    inside, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic():
            PeriodicRun.objects.create(job="long", period="p")
            inside.set()
            release.wait(10)

    def impatient():
        inside.wait(10)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job="impatient", period="p")
        finally:
            release.set()

    errors = in_threads(holder, impatient)
    assert len(errors) == 1 and isinstance(errors[0], OperationalError) and database_busy(errors[0])
    assert "queue of writers" in str(errors[0])
    assert in_threads(lambda: PeriodicRun.objects.create(job="after", period="p"),
                      lambda: transaction.atomic()(lambda: PeriodicRun.objects.create(job="after, in a transaction", period="p"))()) == []
    assert sorted(PeriodicRun.objects.values_list("job", flat=True)) == ["after", "after, in a transaction", "long"]
