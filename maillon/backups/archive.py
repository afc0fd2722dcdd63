"""One backup archive, written and read back.

An archive is a gzip-compressed tar file (``maillon-20261206T023000Z.tar.gz``), encrypted as a
whole when a passphrase or key file is given (``….tar.gz.enc``, format in ``crypto.py``). Its
members:

- ``database/maillon.sqlite3`` (SQLite's online backup API: a consistent copy while people
  write) or ``database/maillon.pgdump`` (``pg_dump -Fc``);
- ``media/…``: every file under ``MEDIA_ROOT`` (logos, room photos, documents, scans);
- ``data/…``: the files of the data directory that must survive (``DATA_FILES``: the signed
  audit checkpoints), and, in an encrypted archive only, the keys kept there in development
  (``SECRET_FILES``: SECRET_KEY, HEALTH_KEY, the VAPID key). A plain archive leaves them out (it
  says so): whoever reads it must not get the key of the children's health records with it;
- ``manifest.json`` last: format, Maillon's version, date, engine, the migrations applied per
  app, and the size and SHA-256 of every other member.

Reading verifies everything before anything is written where the instance lives: each member's
SHA-256 and size against the manifest (a damaged archive is refused), the migrations against
this code's (an archive of a newer version is refused), the passphrase (``crypto.WrongKey``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

import maillon

from . import crypto

FORMAT = 1
NAME_RE = re.compile(r"^maillon-(\d{8}T\d{6}Z)\.tar\.gz(\.enc)?$")
DATA_FILES = ("audit-checkpoints.jsonl",)
SECRET_FILES = ("secret_key", "health_key", "health_key.old", "vapid_private_key.pem")
SQLITE_MEMBER, PG_MEMBER = "database/maillon.sqlite3", "database/maillon.pgdump"
COMPRESS_LEVEL = 3  # gzip 6 took 2.3x the time for 11 % less on the 10x demo database (0.63 -> 1.45 s, 5.2 -> 4.7 MB)
_BUFFER = 1024 * 1024


class Refused(Exception):
    """The archive cannot be restored. ``code`` is the command's exit status, ``message`` French."""

    DAMAGED, NEWER, WRONG_KEY, NOT_EMPTY, UNUSABLE = 2, 3, 4, 5, 6

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Written:
    path: Path
    size: int
    manifest: dict
    secrets_left_out: list[str] = field(default_factory=list)


def archive_name(when: datetime, *, encrypted: bool) -> str:
    return f"maillon-{when.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar.gz" + (".enc" if encrypted else "")


def archive_time(name: str) -> datetime | None:
    """The time an archive's name says it was made (UTC), or None for another file."""
    match = NAME_RE.match(name)
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if match else None


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def applied_migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for pg_dump / pg_restore (no password on the command line)."""
    env = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if (settings_dict.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} exited with {result.returncode}: {result.stderr.strip()[-2000:]}")


def dump_database(staging: Path) -> tuple[Path, str]:
    """The database, copied consistently into ``staging``: (file, archive member)."""
    if engine() == "sqlite":
        target = staging / "maillon.sqlite3"
        name = str(connection.settings_dict["NAME"])
        copy = sqlite3.connect(target)
        if connection.is_in_memory_db():
            # The tests' shared-cache memory database has no WAL: another connection would wait
            # for the test's open transaction for ever (Python's backup() retries a locked
            # source without end). Copy through the connection that holds it.
            connection.ensure_connection()
            connection.connection.backup(copy)
            copy.close()
            return target, SQLITE_MEMBER
        # A connection of its own (WAL: reading never waits for a writer), through the online
        # backup API: one consistent snapshot of what was committed, while people write.
        source = sqlite3.connect(name, uri=name.startswith("file:"), timeout=60)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target, SQLITE_MEMBER
    target = staging / "maillon.pgdump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)], _pg_env(connection.settings_dict))
    return target, PG_MEMBER


class _Hashing:
    """A file being read, hashed on the way (tarfile reads exactly the size it announced)."""

    def __init__(self, handle):
        self.handle, self.sha256 = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        return data


def _add(tar: tarfile.TarFile, path: Path, member: str, members: list[dict]) -> None:
    stat = path.stat()
    info = tarfile.TarInfo(member)
    info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
    with path.open("rb") as handle:
        hashing = _Hashing(handle)
        tar.addfile(info, hashing)
    members.append({"path": member, "size": stat.st_size, "sha256": hashing.sha256.hexdigest()})


def media_files(root: Path) -> list[tuple[Path, str]]:
    if not root.is_dir():
        return []
    found = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append((path, "media/" + path.relative_to(root).as_posix()))
    return found


def data_files(data_dir: Path, *, with_secrets: bool) -> tuple[list[tuple[Path, str]], list[str]]:
    """(files to archive, secret files present but left out)."""
    from maillon.audit.checkpoints import checkpoint_path

    sources = {"audit-checkpoints.jsonl": checkpoint_path()}
    for name in DATA_FILES:
        sources.setdefault(name, data_dir / name)
    found = [(path, f"data/{name}") for name, path in sources.items() if path.is_file()]
    secrets = [name for name in SECRET_FILES if (data_dir / name).is_file()]
    if with_secrets:
        return found + [(data_dir / name, f"data/{name}") for name in secrets], []
    return found, secrets


def create(to_dir: Path, *, secret: crypto.Secret | None = None, now: datetime | None = None) -> Written:
    """Write one archive into ``to_dir`` (under a temporary name, renamed when complete)."""
    from django.utils import timezone

    now = now or timezone.now()
    to_dir.mkdir(parents=True, exist_ok=True)
    final = to_dir / archive_name(now, encrypted=secret is not None)
    partial = to_dir / f".{final.name}.partial"
    files, left_out = data_files(Path(settings.DATA_DIR), with_secrets=secret is not None)
    members: list[dict] = []
    try:
        with tempfile.TemporaryDirectory(prefix=".staging-", dir=to_dir) as staging, partial.open("wb") as raw:
            database, database_member = dump_database(Path(staging))
            sink = crypto.EncryptingWriter(raw, secret) if secret is not None else raw
            with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0) as zipped, \
                    tarfile.open(fileobj=zipped, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, database, database_member, members)
                for path, member in media_files(Path(settings.MEDIA_ROOT)) + files:
                    _add(tar, path, member, members)
                manifest = {
                    "format": FORMAT,
                    "maillon_version": maillon.__version__,
                    "created_at": now.astimezone(UTC).isoformat(),
                    "engine": engine(),
                    "node": socket.gethostname(),
                    "migrations": applied_migrations(),
                    "encrypted": secret is not None,
                    "secrets_left_out": left_out,
                    "members": members,
                }
                body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
            if secret is not None:
                sink.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Written(final, final.stat().st_size, manifest, left_out)


# Reading back -------------------------------------------------------------------------------

def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False
    return name == "manifest.json" or path.parts[0] in ("database", "media", "data") and len(path.parts) >= 2


def _damaged(detail: str) -> Refused:
    return Refused(Refused.DAMAGED, _("The archive is damaged (%(detail)s): nothing was restored. Use another copy.") % {"detail": detail})


def _plaintext(raw, secret: crypto.Secret | None):
    """The archive's gzip stream: decrypted when the file is encrypted."""
    try:
        return crypto.DecryptingReader(raw, secret)
    except crypto.NotEncrypted:
        raw.seek(0)
        return raw
    except crypto.WrongKey:
        if secret is None:
            raise Refused(Refused.WRONG_KEY, _("This archive is encrypted: give its passphrase (--passphrase-file) or key file (--key-file).")) from None
        raise Refused(Refused.WRONG_KEY, _("Wrong passphrase or key file: this archive was encrypted with another one. Nothing was restored.")) from None
    except crypto.Damaged as exc:
        raise _damaged(str(exc)) from None


def extract_verified(path: Path, staging: Path, *, secret: crypto.Secret | None = None) -> dict:
    """Unpack ``path`` into ``staging`` and check it whole; return its manifest, or raise Refused."""
    found: dict[str, tuple[int, str]] = {}
    try:
        with path.open("rb") as raw, gzip.GzipFile(fileobj=_plaintext(raw, secret), mode="rb") as zipped, \
                tarfile.open(fileobj=zipped, mode="r|") as tar:
            for info in tar:
                if not info.isfile() or not _safe_member(info.name) or info.name in found:
                    raise _damaged(_("unexpected member %(name)s") % {"name": info.name})
                target = staging / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                source = tar.extractfile(info)
                with target.open("wb") as out:
                    while chunk := source.read(_BUFFER):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[info.name] = (size, digest.hexdigest())
    except Refused:
        raise
    except crypto.Damaged as exc:
        raise _damaged(str(exc)) from None
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise _damaged(f"{type(exc).__name__}: {exc}") from None
    try:
        manifest = json.loads((staging / "manifest.json").read_text())
        listed = {m["path"]: (int(m["size"]), m["sha256"]) for m in manifest["members"]}
    except (OSError, ValueError, KeyError, TypeError):
        raise _damaged(_("no readable manifest")) from None
    found.pop("manifest.json")
    for name in sorted(set(listed) | set(found)):
        if name not in found:
            raise _damaged(_("%(name)s is missing") % {"name": name})
        if name not in listed:
            raise _damaged(_("%(name)s is not in the manifest") % {"name": name})
        if found[name] != listed[name]:
            raise _damaged(_("the SHA-256 of %(name)s does not match") % {"name": name})
    check_compatible(manifest)
    return manifest


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def check_compatible(manifest: dict) -> None:
    """Refuse an archive written by a newer Maillon: a newer format, version or migrations."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names if (app, name) not in known)
    newer = manifest.get("format", 0) > FORMAT or _version(str(manifest.get("maillon_version", ""))) > _version(maillon.__version__)
    if unknown or newer:
        detail = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise Refused(Refused.NEWER, _(
            "This archive comes from a newer version of Maillon (%(version)s; this one is %(current)s)%(detail)s. "
            "Install that version (or a later one) to restore it; nothing was restored.") % {
            "version": manifest.get("maillon_version", "?"), "current": maillon.__version__,
            "detail": (_(", with migrations this code does not know: %(names)s") % {"names": detail}) if unknown else ""})


def missing_migrations(manifest: dict) -> list[str]:
    """Migrations of this code the archive's database has not applied (``maillon migrate`` after)."""
    from django.db.migrations.loader import MigrationLoader

    applied = {(app, name) for app, names in manifest.get("migrations", {}).items() for name in names}
    return sorted(f"{app}.{name}" for app, name in set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations) - applied)
