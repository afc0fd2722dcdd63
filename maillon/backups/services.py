"""Running a backup (the command and the daily job), pruning, copying, and alerting.

``run_backup()`` writes one archive into ``BACKUP_DIR``, prunes that directory by the rotation
rule, copies the archive to ``BACKUP_COPY_DIR`` and/or the S3 bucket (each pruned the same way)
and records a ``BackupRun``. A copy that fails makes the run fail (the archive stays where it
was written): one disk's failure must not go unnoticed. ``check_alerts()`` tells the directors
and technical administrators once per incident when the last run failed or the last success is
older than ``BACKUP_ALERT_HOURS`` (26).
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import socket
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import archive, crypto, rotation
from .models import BackupAlert, BackupRun

logger = logging.getLogger(__name__)


class BackupBusy(Exception):
    """Another backup is being written into the same directory."""


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def configured_secret() -> crypto.Secret | None:
    return crypto.Secret.from_files(settings.BACKUP_PASSPHRASE_FILE or None, settings.BACKUP_KEY_FILE or None)


def keep_rule() -> dict[str, int]:
    return {"daily": settings.BACKUP_KEEP_DAILY, "weekly": settings.BACKUP_KEEP_WEEKLY, "monthly": settings.BACKUP_KEEP_MONTHLY}


def to_delete(names: list[str]) -> list[str]:
    """Of these file names, the archives the rotation rule no longer keeps (other names are left)."""
    stamped = {name: archive.archive_time(name) for name in names}
    stamped = {name: timezone.localtime(stamp) for name, stamp in stamped.items() if stamp is not None}
    kept = rotation.to_keep(stamped.values(), **keep_rule())
    return sorted(name for name, stamp in stamped.items() if stamp not in kept)


def prune_directory(directory: Path) -> list[str]:
    deleted = to_delete([p.name for p in directory.iterdir() if p.is_file()])
    for name in deleted:
        (directory / name).unlink(missing_ok=True)
    return deleted


@contextmanager
def _lock(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".backup.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupBusy(_("Another backup is being written into %(path)s.") % {"path": directory}) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Second places ------------------------------------------------------------------------------

def copy_to_directory(path: Path, directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{path.name}.partial"
    shutil.copyfile(path, partial)
    partial.replace(directory / path.name)
    prune_directory(directory)
    return str(directory / path.name)


def s3_client():
    import boto3

    return boto3.client("s3", endpoint_url=settings.BACKUP_S3_ENDPOINT or None, region_name=settings.BACKUP_S3_REGION or None,
                        aws_access_key_id=settings.BACKUP_S3_KEY or None, aws_secret_access_key=settings.BACKUP_S3_SECRET or None)


def copy_to_s3(path: Path, client=None) -> str:
    client = client or s3_client()
    bucket, prefix = settings.BACKUP_S3_BUCKET, settings.BACKUP_S3_PREFIX.strip("/")
    key = f"{prefix}/{path.name}" if prefix else path.name
    client.upload_file(str(path), bucket, key)
    listed = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""):
        listed += [item["Key"] for item in page.get("Contents", [])]
    names = {k.rsplit("/", 1)[-1]: k for k in listed if "/" not in k[len(prefix) + 1 if prefix else 0:]}
    for name in to_delete(list(names)):
        client.delete_object(Bucket=bucket, Key=names[name])
    return f"s3://{bucket}/{key}"


def copy_targets() -> list[tuple[str, Callable[[Path], str]]]:
    targets = []
    if settings.BACKUP_COPY_DIR:
        targets.append((str(settings.BACKUP_COPY_DIR), lambda p: copy_to_directory(p, Path(settings.BACKUP_COPY_DIR))))
    if settings.BACKUP_S3_BUCKET:
        targets.append((f"s3://{settings.BACKUP_S3_BUCKET}", copy_to_s3))
    return targets


# A run --------------------------------------------------------------------------------------

@dataclass
class Outcome:
    run: BackupRun
    written: archive.Written | None
    deleted: list[str]


def explain(exc: Exception, directory: Path) -> str:
    """What a director reads on the panel and in the alert: a French sentence first, then the
    technical detail for whoever repairs it (the traceback is in the log)."""
    import errno

    place = getattr(exc, "filename", None) or directory
    if isinstance(exc, PermissionError):
        sentence = _("Maillon may not write in %(place)s: give it the right to, or choose another folder (BACKUP_DIR).")
    elif isinstance(exc, FileNotFoundError):
        sentence = _("The folder %(place)s does not exist or cannot be reached.")
    elif isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        sentence = _("The disk of %(place)s is full: free some space or keep fewer backups.")
    else:
        sentence = _("The backup could not be written (%(place)s).")
    return sentence % {"place": place} + "\n" + _("Technical detail: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"}


def run_backup(*, to: Path | None = None, secret: crypto.Secret | None | bool = True,
               trigger: str = BackupRun.Trigger.COMMAND, now: datetime | None = None) -> Outcome:
    """One backup, recorded. ``secret=True``: the configured passphrase or key file (if any).
    Raises nothing for a failed backup: the run says ``failed`` with the error (and alerts)."""
    directory = Path(to) if to is not None else backup_dir()
    now = now or timezone.now()
    run = BackupRun.objects.create(started_at=now, trigger=trigger, node=socket.gethostname()[:120])
    started, written, deleted = time.monotonic(), None, []
    errors = []
    try:
        secret = configured_secret() if secret is True else (secret or None)
        with _lock(directory):
            written = archive.create(directory, secret=secret, now=now)
            run.archive, run.size, run.encrypted = written.path.name, written.size, secret is not None
            deleted = prune_directory(directory)
        for label, copy in copy_targets():
            try:
                run.copies.append(copy(written.path))
            except Exception as exc:  # a copy's own failure (disk, network, credentials): said, not hidden
                logger.exception("backup copy to %s failed", label)
                errors.append(_("copy to %(place)s failed: %(error)s") % {"place": label, "error": exc})
    except Exception as exc:
        logger.exception("backup failed")
        errors.insert(0, explain(exc, directory))
    run.finished_at = timezone.now()
    run.duration = round(time.monotonic() - started, 3)
    run.result = BackupRun.Result.FAILED if errors else BackupRun.Result.OK
    run.error = "\n".join(str(e) for e in errors)[:4000]
    run.save()
    if errors:
        check_alerts()
    return Outcome(run, written, deleted)


# The dashboard and the alerts ---------------------------------------------------------------

def installed_at() -> datetime | None:
    """When the backups app was installed (its first migration): with no backup since then for
    BACKUP_ALERT_HOURS, the nightly job is not running (no worker?)."""
    from django.db.migrations.recorder import MigrationRecorder

    return MigrationRecorder.Migration.objects.filter(app="backups").order_by("applied").values_list("applied", flat=True).first()


def status(now: datetime | None = None) -> dict:
    """The last run, the last success and whether something is wrong: for the panel and alerts."""
    now = now or timezone.now()
    limit = now - timedelta(hours=settings.BACKUP_ALERT_HOURS)
    last = BackupRun.objects.exclude(result=BackupRun.Result.RUNNING).order_by("-started_at").first()
    last_ok = last if last is not None and last.result == BackupRun.Result.OK else (
        BackupRun.objects.filter(result=BackupRun.Result.OK).order_by("-started_at").first())
    if last_ok is not None:
        stale = last_ok.finished_at < limit
    else:
        since = installed_at()
        stale = last is not None or (since is not None and since < limit)
    failed = last is not None and last.result == BackupRun.Result.FAILED
    return {"last": last, "last_ok": last_ok, "failed": failed, "stale": stale}


def alert_recipients():
    from maillon.accounts.models import Membership

    roles = [r.strip() for r in settings.BACKUP_ALERT_ROLES.split(",") if r.strip()]
    memberships = (Membership.objects.filter(is_active=True, role_assignments__role__in=roles, user__is_active=True)
                   .select_related("user", "organisation").order_by("user_id", "organisation__name"))
    chosen = {}
    for membership in memberships:
        chosen.setdefault(membership.user_id, membership)
    return list(chosen.values())


def check_alerts(now: datetime | None = None) -> BackupAlert | None:
    """Tell the directors and technical administrators, once per incident: an incident is
    « no success since the last one » (a failure, or a success older than BACKUP_ALERT_HOURS),
    named by that success's id. A new success ends it. Runs hourly and after a failed run."""
    from maillon.notifications.services import notify

    state = status(now)
    if not (state["failed"] or state["stale"]):
        return None
    reason = "failed" if state["failed"] else "stale"
    key = f"since:{state['last_ok'].pk if state['last_ok'] else 0}"
    try:
        with transaction.atomic():
            alert = BackupAlert.objects.create(key=key, reason=reason)
    except IntegrityError:
        return None  # already told (another worker, or an earlier hour)
    if reason == "failed":
        title = _("The backup of %(date)s failed") % {"date": timezone.localtime(state["last"].started_at).strftime("%d/%m/%Y %H:%M")}
        body = state["last"].error.splitlines()[0] if state["last"].error else ""
    else:
        title = _("No backup has succeeded for more than %(hours)s hours") % {"hours": settings.BACKUP_ALERT_HOURS}
        body = ""
    hint = _("See docs/operations.md, « Backups ». The command « maillon backup » runs one now.")
    recipients = alert_recipients()
    with transaction.atomic():
        for membership in recipients:
            notify(membership.user, title, body=f"{body}\n{hint}".strip(), organisation=membership.organisation, kind="backups.alert")
        alert.recipients = len(recipients)
        alert.save(update_fields=["recipients"])
    return alert
