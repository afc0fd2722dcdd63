"""``maillon restore``: an archive back into an empty place.

The archive is unpacked into a staging directory inside the target data directory and checked
whole (``archive.extract_verified``: checksums, version, passphrase) before anything is put in
place. Then, only into an empty database and an empty media directory (a restore never mixes
with live data):

- SQLite: the database file becomes ``<data dir>/maillon.sqlite3`` (``--into DIR``) or the
  configured database file;
- PostgreSQL: ``pg_restore`` in one transaction into the database of ``--database-url`` or of
  ``DATABASE_URL``, which must exist and hold no table (``createdb`` it first);
- the media files go to ``<DIR>/media`` (``--into``) or ``MEDIA_ROOT``; the data files to the data
  directory (a different file already there is kept aside as ``<name>.before-restore``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from . import archive, crypto
from .archive import Refused


@dataclass
class Target:
    data_dir: Path
    media_root: Path
    checkpoint: Path
    database: dict  # a Django settings dict: ENGINE, NAME, HOST, …


@dataclass
class Restored:
    manifest: dict
    target: Target
    media: int = 0
    data_files: list[str] = field(default_factory=list)
    kept_aside: list[str] = field(default_factory=list)
    to_migrate: list[str] = field(default_factory=list)


def _database_target(kind: str, into: Path | None, database_url: str | None) -> dict:
    if database_url:
        import dj_database_url

        parsed = dj_database_url.parse(database_url)
        vendor = "postgresql" if "postgresql" in parsed["ENGINE"] else "sqlite"
        if vendor != kind:
            raise Refused(Refused.UNUSABLE, _("This archive holds a %(kind)s database; --database-url names a %(other)s one.") % {
                "kind": kind, "other": vendor})
        return parsed
    if kind == "sqlite" and into is not None:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(into / "maillon.sqlite3")}
    if connection.vendor == ("postgresql" if kind == "postgresql" else "sqlite"):
        return dict(connection.settings_dict)
    if kind == "sqlite":
        raise Refused(Refused.UNUSABLE, _("This archive holds a SQLite database and this instance uses PostgreSQL: "
                                          "restore it into a data directory with --into DIR."))
    raise Refused(Refused.UNUSABLE, _("This archive holds a PostgreSQL database: give an empty PostgreSQL database "
                                      "with --database-url (or DATABASE_URL)."))


def target_for(kind: str, *, into: Path | None = None, database_url: str | None = None) -> Target:
    from maillon.audit.checkpoints import checkpoint_path

    if into is not None:
        into = into.resolve()
        return Target(into, into / "media", into / "audit-checkpoints.jsonl", _database_target(kind, into, database_url))
    return Target(Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT), checkpoint_path(), _database_target(kind, None, database_url))


def _pg_connect(database: dict):
    import psycopg

    return psycopg.connect(dbname=database.get("NAME"), host=database.get("HOST") or None, port=database.get("PORT") or None,
                           user=database.get("USER") or None, password=database.get("PASSWORD") or None, connect_timeout=10)


def _database_tables(kind: str, database: dict) -> int:
    if kind == "sqlite":
        path = Path(database["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return 0
        with sqlite3.connect(path) as handle:
            return handle.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    try:
        with _pg_connect(database) as handle:
            return handle.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
    except Exception as exc:  # psycopg's OperationalError and friends: the message says which
        raise Refused(Refused.UNUSABLE, _("Cannot reach the PostgreSQL database %(name)s (%(error)s). Create it empty first "
                                          "(createdb).") % {"name": database.get("NAME"), "error": str(exc).strip()}) from None


def _has_files(root: Path) -> bool:
    return root.is_dir() and any(files for _dir, _dirs, files in os.walk(root))


def check_empty(kind: str, target: Target) -> None:
    if _database_tables(kind, target.database):
        raise Refused(Refused.NOT_EMPTY, _(
            "The database %(name)s is not empty: a restore goes into an empty database only (nothing was changed). "
            "Create a new one, or restore with --into DIR into a new data directory.") % {"name": target.database.get("NAME")})
    if _has_files(target.media_root):
        raise Refused(Refused.NOT_EMPTY, _(
            "The media directory %(path)s is not empty: a restore goes into an empty one only (nothing was changed).") % {
            "path": target.media_root})


def _restore_database(kind: str, staged: Path, database: dict) -> None:
    if kind == "sqlite":
        path = Path(database["NAME"])
        if database.get("NAME") == connection.settings_dict.get("NAME"):
            connection.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):  # left by the empty database it replaces
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.move(staged, path)
        return
    archive._run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  "--dbname", str(database["NAME"]), str(staged)], archive._pg_env(database))


def _put(source: Path, destination: Path, kept_aside: list[str]) -> bool:
    """Move ``source`` to ``destination``; a different file already there is renamed aside."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        if destination.read_bytes() == source.read_bytes():
            return False
        aside = destination.with_name(destination.name + ".before-restore")
        n = 1
        while aside.exists():
            aside, n = destination.with_name(f"{destination.name}.before-restore.{n}"), n + 1
        destination.rename(aside)
        kept_aside.append(str(aside))
    shutil.move(source, destination)
    return True


def restore(path: Path, *, secret: crypto.Secret | None = None, into: Path | None = None, database_url: str | None = None) -> Restored:
    """Check ``path`` whole, then restore its database, media and data files (see the module)."""
    if not path.is_file():
        raise Refused(Refused.UNUSABLE, _("No archive at %(path)s.") % {"path": path})
    staging_parent = (into.resolve() if into is not None else Path(settings.DATA_DIR))
    staging_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=staging_parent))
    try:
        manifest = archive.extract_verified(path, staging, secret=secret)
        kind = manifest.get("engine")
        if kind not in ("sqlite", "postgresql"):
            raise Refused(Refused.DAMAGED, _("The archive's manifest names no known database engine."))
        target = target_for(kind, into=into, database_url=database_url)
        check_empty(kind, target)
        result = Restored(manifest, target)
        _restore_database(kind, staging / (archive.SQLITE_MEMBER if kind == "sqlite" else archive.PG_MEMBER), target.database)
        media = staging / "media"
        for source in sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []:
            _put(source, target.media_root / source.relative_to(media), result.kept_aside)
            result.media += 1
        for source in sorted((staging / "data").glob("*")) if (staging / "data").is_dir() else []:
            destination = target.checkpoint if source.name == "audit-checkpoints.jsonl" else target.data_dir / source.name
            if _put(source, destination, result.kept_aside):
                destination.chmod(0o600)  # keys and checkpoints: their owner's only
                result.data_files.append(str(destination))
        result.to_migrate = archive.missing_migrations(manifest)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
