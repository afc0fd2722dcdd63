"""Scheduled publishing: the hourly job publishes news whose date has come."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Revision

from maillon.content.models import NewsPage, SearchEntry
from maillon.content.tests.helpers import news
from maillon.core import periodic
from maillon.core.models import PeriodicRun
from maillon.testing import only_jobs


def schedule(org, title, when):
    page = news(org, title, publish=False)
    page.go_live_at = timezone.now() + timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()
    # Publishing a revision dated in the future schedules it; then move its date to ``when``
    # (as if the clock had moved on).
    revision = Revision.objects.get(pk=revision.pk)
    assert revision.approved_go_live_at is not None
    revision.content["go_live_at"] = when.isoformat()
    revision.approved_go_live_at = when
    revision.save(update_fields=["content", "approved_go_live_at"])
    return NewsPage.objects.get(pk=page.pk)


def test_it_is_registered_as_an_hourly_job():
    job = periodic.JOBS["content.publish_scheduled"]
    assert job.period == "hourly"


def test_it_publishes_news_scheduled_in_the_past_and_not_the_future(people, login, monkeypatch):
    only_jobs(monkeypatch, "content.publish_scheduled")
    due = schedule(people.org, "Fermeture estivale", timezone.now() - timedelta(minutes=5))
    later = schedule(people.org, "Rentrée des ateliers", timezone.now() + timedelta(days=2))
    assert not due.live and not later.live
    assert "Fermeture estivale" not in login(people.colleague).get("/essais/actualites/").content.decode()
    now = timezone.now()
    assert "content.publish_scheduled" in periodic.run_due_jobs(now)
    assert PeriodicRun.objects.filter(job="content.publish_scheduled").count() == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.live and due.organisation_id == people.org.pk and not later.live
    assert SearchEntry.objects.filter(organisation=people.org, title="Fermeture estivale").exists()
    assert "Fermeture estivale" in login(people.colleague).get("/essais/actualites/").content.decode()
    assert "Fermeture estivale" not in login(people.outsider).get("/autre/actualites/").content.decode()
    # Once per hour: a second call in the same hour does not run it again.
    assert "content.publish_scheduled" not in periodic.run_due_jobs(now)
