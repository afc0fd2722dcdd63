"""Periodic jobs: once per period (even from several threads), `at` times, Paris boundaries;
the worker and the `jobs` command."""

import threading
from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import close_old_connections
from django.test import override_settings
from django_tasks import task
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from maillon.core import periodic
from maillon.core.models import PeriodicRun

CALLS: list[str] = []
_lock = threading.Lock()


@task()
def remember(label: str = "job") -> str:
    with _lock:
        CALLS.append(label)
    return label


@task()
def remember_a() -> str:
    return remember.call("a")


@task()
def remember_b() -> str:
    return remember.call("b")


@pytest.fixture
def jobs(monkeypatch):
    """An empty job registry for the test; the real jobs are left alone."""
    registry = {}
    monkeypatch.setattr(periodic, "JOBS", registry)
    CALLS.clear()
    yield registry
    CALLS.clear()


def paris(*args):
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Paris"))


def test_it_refuses_an_unknown_period(jobs):
    with pytest.raises(ValueError):
        periodic.register("x", remember, "yearly")


def test_a_daily_job_runs_once_per_day_after_its_time(jobs, db):
    periodic.register("test.daily", remember_a, "daily", at=time(3, 0))
    assert periodic.run_due_jobs(paris(2026, 5, 4, 2, 59)) == []
    assert periodic.run_due_jobs(paris(2026, 5, 4, 3, 0)) == ["test.daily"]
    assert periodic.run_due_jobs(paris(2026, 5, 4, 23, 59)) == []
    assert periodic.run_due_jobs(paris(2026, 5, 5, 0, 30)) == []
    assert periodic.run_due_jobs(paris(2026, 5, 5, 3, 1)) == ["test.daily"]
    assert CALLS == ["a", "a"]
    assert list(PeriodicRun.objects.order_by("period").values_list("period", flat=True)) == ["2026-05-04", "2026-05-05"]


def test_periods_follow_paris_time_not_utc(jobs, db):
    periodic.register("test.daily", remember_a, "daily")
    periodic.register("test.monthly", remember_b, "monthly")
    # 23:30 UTC on 31 January is already 1 February in Paris.
    started = periodic.run_due_jobs(datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    assert sorted(started) == ["test.daily", "test.monthly"]
    assert set(PeriodicRun.objects.values_list("period", flat=True)) == {"2026-02-01", "2026-02"}
    # Later that Paris day and month: nothing more.
    assert periodic.run_due_jobs(datetime(2026, 2, 1, 12, 0, tzinfo=UTC)) == []


def test_the_daily_time_holds_across_daylight_saving_changes(jobs):
    job = periodic.Job("j", remember, "daily", time(3, 0))
    # 29 March 2026: clocks go from 02:00 to 03:00 in Paris. 00:30 UTC = 01:30 CET.
    assert job.period_key(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) is None
    assert job.period_key(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "2026-03-29"  # 03:00 CEST
    # 25 October 2026: back to CET. 01:59 UTC = 02:59 CET; 02:00 UTC = 03:00 CET.
    assert job.period_key(datetime(2026, 10, 25, 1, 59, tzinfo=UTC)) is None
    assert job.period_key(datetime(2026, 10, 25, 2, 0, tzinfo=UTC)) == "2026-10-25"


def test_hourly_and_weekly_keys(jobs):
    hourly = periodic.Job("h", remember, "hourly", time(23, 0))  # `at` means nothing hourly
    assert hourly.period_key(paris(2026, 5, 4, 7, 59)) == "2026-05-04T07"
    weekly = periodic.Job("w", remember, "weekly", time(6, 0))
    assert weekly.period_key(paris(2026, 1, 1, 7, 0)) == "2026-W01"  # ISO week of a Thursday
    assert weekly.period_key(paris(2027, 1, 3, 7, 0)) == "2026-W53"  # a Sunday still in 2026's last week
    assert weekly.period_key(paris(2026, 5, 4, 5, 0)) is None


@hsettings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)),
    period=st.sampled_from(periodic.PERIODS),
    at=st.times(),
)
def test_keys_are_those_of_the_paris_calendar(instant, period, at):
    from zoneinfo import ZoneInfo

    local = instant.astimezone(ZoneInfo("Europe/Paris"))
    key = periodic.Job("j", remember, period, at.replace(tzinfo=None)).period_key(instant)
    if period == "hourly":
        assert key == f"{local:%Y-%m-%dT%H}"
        return
    if local.time() < at.replace(tzinfo=None):
        assert key is None
        return
    expected = {
        "daily": f"{local:%Y-%m-%d}",
        "weekly": "{}-W{:02d}".format(*local.isocalendar()[:2]),
        "monthly": f"{local:%Y-%m}",
    }[period]
    assert key == expected
    # One minute later in the same local period gives the same key (never a second run).
    later = instant + timedelta(minutes=1)
    if later.astimezone(ZoneInfo("Europe/Paris")).date() == local.date():
        assert periodic.Job("j", remember, period, at.replace(tzinfo=None)).period_key(later) == key


@pytest.mark.django_db(transaction=True)
def test_several_workers_at_once_run_each_job_once(jobs):
    periodic.register("test.a", remember_a, "daily")
    periodic.register("test.b", remember_b, "hourly")
    now = paris(2026, 5, 4, 10, 0)
    barrier = threading.Barrier(8)
    started, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            started.extend(periodic.run_due_jobs(now))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(started) == ["test.a", "test.b"]
    assert sorted(CALLS) == ["a", "b"]
    assert PeriodicRun.objects.count() == 2


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_worker_batch_runs_queued_tasks_and_due_jobs_end_to_end(jobs):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DB_TASKS):
        result = remember.enqueue("queued")
        periodic.register("test.a", remember_a, "hourly")
        assert CALLS == []  # queued, not run
        call_command("worker", "--batch", verbosity=0)
        assert sorted(CALLS) == ["a", "queued"]
        assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
        assert PeriodicRun.objects.get().job == "test.a"
        # A second pass has nothing to do.
        call_command("worker", "--batch", verbosity=0)
        assert sorted(CALLS) == ["a", "queued"]


def test_the_jobs_command_lists_declared_jobs_and_last_runs(jobs, db):
    periodic.register("test.daily", remember_a, "daily", at=time(3, 0))
    periodic.register("test.hourly", remember_b, "hourly")
    periodic.run_due_jobs(paris(2026, 5, 4, 9, 0))
    PeriodicRun.objects.filter(job="test.hourly").delete()
    out = StringIO()
    call_command("jobs", stdout=out)
    lines = out.getvalue().splitlines()
    daily = next(line for line in lines if line.startswith("test.daily"))
    hourly = next(line for line in lines if line.startswith("test.hourly"))
    assert "daily" in daily and "03:00" in daily and "(2026-05-04)" in daily
    assert "jamais" in hourly


def test_the_real_jobs_are_declared():
    for name in ("core.clear_expired_sessions", "core.prune_task_results", "notifications.purge_read"):
        assert name in periodic.JOBS
