"""The daily job, the copies to a second place (a directory, S3 through moto), the dashboard
panel and the alerts: what the director and the technical administrator see and are told."""

from __future__ import annotations

from datetime import time, timedelta

import boto3
import pytest
from django.core import mail
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from moto import mock_aws

from maillon.accounts.roles import Role
from maillon.backups import services
from maillon.backups.models import BackupAlert, BackupRun
from maillon.core import periodic
from maillon.core.models import PeriodicRun
from maillon.notifications.models import Notification
from maillon.testing import QueryCounter

DASHBOARD = "/{slug}/tableau-de-bord/"


def test_the_daily_job_is_registered_at_half_past_two_and_runs_once_per_day_across_nodes(db, place):
    job = periodic.JOBS["backups.daily"]
    assert job.period == "daily" and job.at == time(2, 30)
    assert periodic.JOBS["backups.check"].period == "hourly"
    night = timezone.make_aware(timezone.datetime(2026, 12, 7, 2, 35))
    assert "backups.daily" in periodic.run_due_jobs(night)  # the first node runs it (tasks run at once in tests)
    assert "backups.daily" not in periodic.run_due_jobs(night + timedelta(minutes=1))  # a second node, the same night: no
    assert PeriodicRun.objects.filter(job="backups.daily").count() == 1
    run = BackupRun.objects.get()
    assert run.trigger == BackupRun.Trigger.SCHEDULE and run.result == BackupRun.Result.OK
    assert not periodic.JOBS["backups.daily"].period_key(night.replace(hour=2, minute=0))  # not before 02:30


def test_each_archive_is_copied_to_the_copy_directory_which_is_pruned_the_same_way(db, place, settings):
    settings.BACKUP_COPY_DIR = str(place / "second-disk")
    old = place / "second-disk"
    old.mkdir()
    for day in range(1, 11):  # ten nights of January 2020
        (old / f"maillon-202001{day:02d}T013000Z.tar.gz").write_bytes(b"old")
    outcome = services.run_backup()
    assert outcome.run.result == BackupRun.Result.OK, outcome.run.error
    copied = old / outcome.written.path.name
    assert copied.read_bytes() == outcome.written.path.read_bytes()
    assert outcome.run.copies == [str(copied)]
    # Kept: the new one and the 6 latest days before it (5 to 10 January, also the last of their
    # weeks and month); 1 to 4 January go.
    assert sorted(p.name for p in old.iterdir()) == sorted([f"maillon-202001{d:02d}T013000Z.tar.gz" for d in range(5, 11)] + [copied.name])


@mock_aws
def test_each_archive_is_copied_to_s3_compatible_storage_and_pruned_there(db, place, settings):
    settings.BACKUP_S3_BUCKET, settings.BACKUP_S3_PREFIX, settings.BACKUP_S3_REGION = "sauvegardes", "tilleuls", "eu-west-3"
    settings.BACKUP_S3_KEY, settings.BACKUP_S3_SECRET = "test-key", "test-secret"
    s3 = boto3.client("s3", region_name="eu-west-3", aws_access_key_id="test-key", aws_secret_access_key="test-secret")
    s3.create_bucket(Bucket="sauvegardes", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    for day in range(1, 11):
        s3.put_object(Bucket="sauvegardes", Key=f"tilleuls/maillon-202001{day:02d}T013000Z.tar.gz", Body=b"old")
    s3.put_object(Bucket="sauvegardes", Key="tilleuls/lisez-moi.txt", Body=b"kept")
    outcome = services.run_backup()
    assert outcome.run.result == BackupRun.Result.OK, outcome.run.error
    key = f"tilleuls/{outcome.written.path.name}"
    assert outcome.run.copies == [f"s3://sauvegardes/{key}"]
    assert s3.get_object(Bucket="sauvegardes", Key=key)["Body"].read() == outcome.written.path.read_bytes()
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="sauvegardes")["Contents"])
    assert keys == sorted(["tilleuls/lisez-moi.txt", key] + [f"tilleuls/maillon-202001{d:02d}T013000Z.tar.gz" for d in range(5, 11)])


def test_a_failed_copy_fails_the_run_keeps_the_archive_and_alerts_once(people, place, settings, django_capture_on_commit_callbacks):
    director, admin = people.with_role(Role.DIRECTOR), people.with_role(Role.ADMIN)
    settings.BACKUP_COPY_DIR = str(place / "not-a-dir")
    (place / "not-a-dir").write_text("a file where the directory should be")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.run_backup()
    run = outcome.run
    assert run.result == BackupRun.Result.FAILED and outcome.written.path.exists()
    assert "la copie vers" in run.error and "a échoué" in run.error
    told = Notification.objects.filter(kind="backups.alert")
    assert sorted(n.recipient_id for n in told) == sorted([director.pk, admin.pk])  # not the staff member
    assert told[0].title.startswith("La sauvegarde du ") and told[0].title.endswith(" a échoué")
    assert {m.to[0] for m in mail.outbox if "[Maillon] La sauvegarde" in m.subject} == {director.email, admin.email}
    # The hourly check, and a second failure, are the same incident: nobody is told again.
    services.check_alerts()
    services.run_backup()
    services.check_alerts(timezone.now() + timedelta(hours=30))
    assert Notification.objects.filter(kind="backups.alert").count() == 2 and BackupAlert.objects.count() == 1


def test_no_success_for_26_hours_alerts_once_and_a_new_success_ends_the_incident(people, place):
    director = people.with_role(Role.DIRECTOR)
    assert services.run_backup().run.result == BackupRun.Result.OK
    assert services.check_alerts(timezone.now() + timedelta(hours=25)) is None
    alert = services.check_alerts(timezone.now() + timedelta(hours=27))
    assert alert.reason == "stale" and alert.recipients == 1
    note = Notification.objects.get(kind="backups.alert", recipient=director)
    assert note.title == "Aucune sauvegarde n'a réussi depuis plus de 26 heures"
    for hours in (28, 29, 50):
        assert services.check_alerts(timezone.now() + timedelta(hours=hours)) is None
    services.run_backup()  # a new success
    assert services.check_alerts(timezone.now() + timedelta(hours=27)) is not None  # a new incident, told again
    assert Notification.objects.filter(kind="backups.alert", recipient=director).count() == 2


def test_the_dashboard_shows_directors_and_admins_the_last_backup_in_one_query(people, place, login):
    slug = people.org.slug
    director, staff = people.with_role(Role.DIRECTOR), people.owner
    html = login(director).get(DASHBOARD.format(slug=slug)).content.decode()
    assert "Aucune sauvegarde pour l'instant." in html
    run = services.run_backup().run
    client = login(director)
    html = client.get(DASHBOARD.format(slug=slug)).content.decode()
    assert 'id="panel-backups"' in html and "Réussie" in html and filesizeformat(run.size) in html
    assert "aucune : un seul disque garde toutes les sauvegardes" in html
    with QueryCounter() as queries:
        client.get(DASHBOARD.format(slug=slug))
    assert len([q for q in queries.captured_queries if "backups_backuprun" in q["sql"]]) == 1
    assert 'id="panel-backups"' not in login(staff).get(DASHBOARD.format(slug=slug)).content.decode()
    # A failure: « à traiter », with the error and the last success.
    BackupRun.objects.create(started_at=timezone.now(), finished_at=timezone.now(), result=BackupRun.Result.FAILED,
                             error="OSError: No space left on device")
    html = login(people.with_role(Role.ADMIN)).get(DASHBOARD.format(slug=slug)).content.decode()
    assert "Échouée" in html and "No space left on device" in html and "Dernière réussite" in html
    assert html.index('id="panel-backups"') < html.index('id="panel-organisation"')


@pytest.mark.parametrize("hours", [27])
def test_the_panel_says_when_no_backup_succeeded_for_26_hours(people, place, login, hours):
    BackupRun.objects.create(started_at=timezone.now() - timedelta(hours=hours), finished_at=timezone.now() - timedelta(hours=hours),
                             result=BackupRun.Result.OK, size=1000)
    html = login(people.with_role(Role.DIRECTOR)).get(DASHBOARD.format(slug=people.org.slug)).content.decode()
    assert "Aucune sauvegarde n'a réussi depuis plus de 26 heures." in html


def test_an_install_that_never_made_a_backup_in_26_hours_is_an_incident_too(people, place, login):
    """No worker, so no nightly job: the panel and the hourly check (once a worker runs) say so."""
    from django.db.migrations.recorder import MigrationRecorder

    director = people.with_role(Role.DIRECTOR)
    assert services.check_alerts() is None  # just installed: nothing to say yet
    html = login(director).get(DASHBOARD.format(slug=people.org.slug)).content.decode()
    assert "Aucune sauvegarde pour l'instant." in html
    MigrationRecorder.Migration.objects.filter(app="backups").update(applied=timezone.now() - timedelta(days=3))
    html = login(director).get(DASHBOARD.format(slug=people.org.slug)).content.decode()
    assert "Aucune sauvegarde n'a réussi depuis plus de 26 heures." in html and "Sauvegarde en retard" in html
    alert = services.check_alerts()
    assert alert.key == "since:0" and alert.reason == "stale"
    assert Notification.objects.get(kind="backups.alert", recipient=director).title == "Aucune sauvegarde n'a réussi depuis plus de 26 heures"
    assert services.check_alerts() is None


def test_a_backup_that_cannot_be_written_says_why_in_french(db, place, settings):
    """The director reads a French sentence on the panel, the repairer the technical detail after it."""
    blocker = place / "occupé"
    blocker.write_text("a file where the backup folder should be")
    outcome = services.run_backup(to=blocker / "sauvegardes")
    first, *rest = outcome.run.error.splitlines()
    assert outcome.run.result == BackupRun.Result.FAILED
    assert first.startswith(("Le dossier ", "La sauvegarde n’a pas pu être écrite", "La sauvegarde n'a pas pu être écrite")), first
    assert str(blocker) in first
    assert rest and rest[0].startswith("Détail technique : ")
