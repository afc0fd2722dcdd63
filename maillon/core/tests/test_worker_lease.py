"""A task whose worker died is taken again (lease on a heartbeat), a bounded number of times;
e-mails are sent once even when their task runs again; ``serve --with-worker`` never leaves
its worker behind."""

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult, get_date_max

from maillon.audit.models import AuditEntry
from maillon.core import idempotency, worker
from maillon.core.models import IdempotencyKey, WorkerHeartbeat
from maillon.core.tests.test_cluster import free_port, wait_until_up
from maillon.notifications.tasks import send_email

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RUNS: list[str] = []


@task()
def note(label: str) -> str:
    RUNS.append(label)
    return label


def running(label="x", *, workers=("dead",), started_ago=timedelta(minutes=10)):
    """A task row as a worker leaves it when it is killed in the middle: RUNNING for ever."""
    return DBTaskResult.objects.create(
        status="RUNNING", task_path=f"{__name__}.note", args_kwargs={"args": [label], "kwargs": {}},
        backend_name="default", run_after=get_date_max(), worker_ids=list(workers),
        started_at=timezone.now() - started_ago,
    )


def heartbeat(worker_id, ago):
    WorkerHeartbeat.objects.create(worker_id=worker_id, beat_at=timezone.now() - ago)


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()
    yield
    RUNS.clear()


def test_a_task_whose_worker_stopped_beating_goes_back_to_the_queue(db, caplog):
    heartbeat("dead", ago=timedelta(minutes=6))
    stuck = running()
    with caplog.at_level(logging.WARNING, logger="maillon.core.worker"):
        assert worker.requeue_abandoned() == [str(stuck.pk)]
    stuck.refresh_from_db()
    assert stuck.status == "READY"
    assert any("tasks.requeued" in r.getMessage() and str(stuck.pk) in r.getMessage() for r in caplog.records)
    entry = AuditEntry.objects.get(action="tasks.requeued")
    assert entry.data == {"task": str(stuck.pk), "task_path": f"{__name__}.note", "worker": "dead", "attempt": 1, "max_attempts": 3}
    assert worker.requeue_abandoned() == []  # taken again once, not by every worker


def test_a_task_of_a_live_worker_is_left_running_however_long_it_takes(db):
    heartbeat("alive", ago=timedelta(seconds=20))
    long_task = running(workers=["alive"], started_ago=timedelta(hours=2))
    just_claimed = running(workers=["starting"], started_ago=timedelta(seconds=5))  # no heartbeat yet
    assert worker.requeue_abandoned() == []
    assert DBTaskResult.objects.get(pk=long_task.pk).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=just_claimed.pk).status == "RUNNING"


@override_settings(MAILLON_TASK_LEASE_SECONDS=60)
def test_the_lease_is_a_setting(db):
    heartbeat("slow", ago=timedelta(seconds=90))
    stuck = running(workers=["slow"])
    assert worker.requeue_abandoned() == [str(stuck.pk)]


def test_a_task_that_lost_its_worker_too_many_times_fails(db):
    stuck = running(workers=["w1", "w2", "w3"])  # no heartbeat row: gone long ago
    assert worker.requeue_abandoned() == [str(stuck.pk)]
    stuck.refresh_from_db()
    assert stuck.status == "FAILED" and stuck.finished_at is not None
    assert stuck.exception_class_path == "maillon.core.worker.WorkerLost"
    assert "attempt 3 of 3" in stuck.traceback
    assert AuditEntry.objects.get(action="tasks.abandoned").data["worker"] == "w3"


def test_heartbeats_are_recorded_and_forgotten(db):
    worker.beat("w-1")
    first = WorkerHeartbeat.objects.get(worker_id="w-1")
    assert first.pid == os.getpid() and first.beat_at > timezone.now() - timedelta(seconds=5)
    worker.beat("w-1")
    assert WorkerHeartbeat.objects.count() == 1
    worker.forget("w-1")
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_a_requeued_task_is_run_by_the_next_worker_and_completes():
    with override_settings(TASKS=DB_TASKS):
        stuck = running("lost")
        call_command("worker", "--batch", verbosity=0)
        assert RUNS == ["lost"]
        stuck.refresh_from_db()
        assert stuck.status == "SUCCESSFUL" and len(stuck.worker_ids) == 2
        assert not WorkerHeartbeat.objects.exists()  # the batch worker left no lease behind


# E-mails are sent once per key.

def test_run_once_does_the_effect_once(db):
    calls = []
    assert idempotency.run_once("k", lambda: calls.append(1) or "sent") == (True, "sent")
    assert idempotency.run_once("k", lambda: calls.append(1) or "sent") == (False, None)
    assert calls == [1]
    assert IdempotencyKey.objects.get(key="k").state == "done"


def test_an_effect_started_but_not_finished_is_done_again_with_a_warning(db, caplog):
    with pytest.raises(ConnectionError):
        idempotency.run_once("k", lambda: (_ for _ in ()).throw(ConnectionError("SMTP down")))
    assert IdempotencyKey.objects.get(key="k").state == "started"
    with caplog.at_level(logging.WARNING, logger="maillon.core.idempotency"):
        assert idempotency.run_once("k", lambda: "sent") == (True, "sent")
    assert "earlier attempt" in caplog.text
    assert IdempotencyKey.objects.get(key="k").attempts == 2


def test_the_same_email_task_run_twice_sends_once(db):
    context = SimpleNamespace(task_result=SimpleNamespace(id="0b8c5f9e-task"))
    for _ in range(2):
        send_email.call(context, to=["ines@exemple.test"], subject="Invitation", body="…")
    assert [m.to for m in mail.outbox] == [["ines@exemple.test"]]
    send_email.call(SimpleNamespace(task_result=SimpleNamespace(id="another-task")), to=["ines@exemple.test"], subject="Invitation", body="…")
    assert len(mail.outbox) == 2  # another task is another e-mail


@pytest.mark.django_db(transaction=True)
def test_an_email_task_taken_again_after_its_worker_died_sends_nothing_more():
    with override_settings(TASKS=DB_TASKS):
        result = send_email.enqueue(to=["ines@exemple.test"], subject="Invitation", body="Bienvenue")
        call_command("worker", "--batch", verbosity=0)
        assert len(mail.outbox) == 1
        # The worker dies after handing the e-mail over, before marking the task done.
        DBTaskResult.objects.filter(pk=result.id).update(
            status="RUNNING", worker_ids=["dead"], started_at=timezone.now() - timedelta(minutes=10))
        call_command("worker", "--batch", verbosity=0)  # takes it again, finds it sent
        assert len(mail.outbox) == 1
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "SUCCESSFUL" and row.return_value == 0


# serve --with-worker

def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_serve_stops_its_worker(transactional_db, tmp_path, stop, workers):
    """With one web process (in serve's own) or two (uvicorn's children): stopped or killed, serve
    leaves nothing running, neither the worker nor a web process holding the port."""
    port = free_port()
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "MAILLON_ENV": "development", "DEBUG": "1", "MAILLON_DATA_DIR": str(tmp_path), "DATABASE_URL": url}
    serve = subprocess.Popen([sys.executable, "-m", "maillon.cli", "serve", "--with-worker", "--port", str(port),  # noqa: S603
                              "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port, timeout=60)
        children = _children(serve.pid)
        # The worker, and with two web processes serve's two children (serve --web-process).
        assert len(children) == (1 if workers == 1 else 3) and all(_alive(c) for c in children)
        serve.send_signal(stop)
        assert serve.wait(timeout=40) in ((0,) if stop == signal.SIGTERM else (-signal.SIGKILL,))
        deadline = time.time() + 30
        while any(_alive(c) for c in children) and time.time() < deadline:
            time.sleep(0.2)
        assert not any(_alive(c) for c in children), "a worker or a web process was left running"
    finally:
        if serve.poll() is None:
            serve.kill()
