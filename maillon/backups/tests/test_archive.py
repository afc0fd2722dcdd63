"""`maillon backup` and `maillon restore` as an operator uses them: what the archive holds, and
every archive that must be refused (damaged, cut, from a newer version, wrong passphrase, a
target that is not empty), each with its French message and exit status, nothing restored."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillon.accounts.models import User
from maillon.backups import archive, crypto, restore
from maillon.backups.archive import Refused
from maillon.backups.models import BackupRun
from maillon.testing import OrganisationFactory, make_member

from .conftest import database_url, restored_connection
from .helpers import read_members, rewrite, write_members


def backup(place, *args) -> str:
    out = io.StringIO()
    call_command("backup", "--to", str(place / "backups"), *args, stdout=out)
    return out.getvalue()


def only_archive(place):
    (path,) = [p for p in (place / "backups").iterdir() if archive.NAME_RE.match(p.name)]
    return path


def refused(path, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        restore.restore(path, **kwargs)
    return caught.value


@pytest.fixture
def instance(place, people):
    """The people of the test base, a media file and the audit checkpoints file."""
    (place / "data" / "media" / "logos").mkdir()
    (place / "data" / "media" / "logos" / "tilleuls.png").write_bytes(b"\x89PNG fake logo")
    (place / "data" / "audit-checkpoints.jsonl").write_text('{"v": 1}\n')
    (place / "data" / "health_key").write_text("a-development-key")
    (place / "data" / "cache").mkdir()
    (place / "data" / "cache" / "x.djcache").write_text("not kept")
    return people


def test_it_writes_one_archive_with_the_database_the_media_and_a_manifest_of_checksums(instance, place):
    output = backup(place)
    path = only_archive(place)
    assert "Sauvegarde terminée." in output
    members = read_members(path)
    manifest = json.loads(members.pop("manifest.json"))
    database = archive.SQLITE_MEMBER if manifest["engine"] == "sqlite" else archive.PG_MEMBER
    assert set(members) == {database, "media/logos/tilleuls.png", "data/audit-checkpoints.jsonl"}  # not the cache, not the key
    assert {m["path"]: m["sha256"] for m in manifest["members"]} == {n: hashlib.sha256(b).hexdigest() for n, b in members.items()}
    assert {m["path"]: m["size"] for m in manifest["members"]} == {n: len(b) for n, b in members.items()}
    assert manifest["maillon_version"] and manifest["created_at"]
    assert "0001_initial" in manifest["migrations"]["accounts"] and "0001_backup_runs_and_alerts" in manifest["migrations"]["backups"]
    # A plain archive leaves the keys of the data directory out, and says so.
    assert manifest["secrets_left_out"] == ["health_key"]
    assert "les clés du répertoire de données ne sont pas dans l'archive (health_key)" in output
    run = BackupRun.objects.get()
    assert run.result == BackupRun.Result.OK and run.size == path.stat().st_size and run.archive == path.name


@pytest.mark.django_db(transaction=True)
def test_it_restores_into_a_new_place_what_was_there(place, fresh):
    make_member(OrganisationFactory(), "staff", username="a.sauver")
    (place / "data" / "media" / "scan.pdf").write_bytes(b"%PDF- a scan")
    key_file = crypto.new_key_file(place / "backup.key")
    (place / "data" / "health_key").write_text("a-development-key")
    backup(place, "--key-file", str(key_file))
    path = only_archive(place)
    assert path.name.endswith(".tar.gz.enc") and crypto.is_encrypted(path)
    result = restore.restore(path, secret=crypto.Secret.from_files(key_file=key_file), **fresh)
    assert (fresh["into"] / "media" / "scan.pdf").read_bytes() == b"%PDF- a scan"
    assert (fresh["into"] / "health_key").read_text() == "a-development-key"  # encrypted: the keys travel with it
    assert result.to_migrate == []
    restored = restored_connection(fresh)
    try:
        with restored.cursor() as cursor:
            cursor.execute(f"SELECT username FROM {User._meta.db_table} WHERE username = %s", ["a.sauver"])
            assert cursor.fetchall() == [("a.sauver",)]
    finally:
        restored.close()


def test_a_damaged_archive_is_refused_and_nothing_is_restored(instance, place, tmp_path):
    backup(place)
    path = only_archive(place)
    # One byte changed inside a member, the manifest untouched.
    changed = rewrite(path, tmp_path / "changed.tar.gz", member=lambda n, b: b.replace(b"fake", b"FAKE") if n.startswith("media/") else b)
    error = refused(changed, into=tmp_path / "r1")
    assert error.code == Refused.DAMAGED
    assert error.message == ("L'archive est endommagée (le SHA-256 de media/logos/tilleuls.png ne correspond pas) : rien n'a été "
                             "restauré. Utilisez une autre copie.")
    assert not (tmp_path / "r1" / "maillon.sqlite3").exists() and not (tmp_path / "r1" / "media").exists()
    # Cut in the middle, a member taken out, bytes flipped in the compressed stream.
    blob = path.read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(blob[: len(blob) // 2])
    assert refused(tmp_path / "cut.tar.gz", into=tmp_path / "r2").code == Refused.DAMAGED
    dropped = rewrite(path, tmp_path / "dropped.tar.gz", member=lambda n, b: b)
    members = read_members(dropped)
    del members["data/audit-checkpoints.jsonl"]
    write_members(dropped, members)
    error = refused(dropped, into=tmp_path / "r3")
    assert error.code == Refused.DAMAGED and "data/audit-checkpoints.jsonl manque" in error.message
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0xFF
    (tmp_path / "flipped.tar.gz").write_bytes(bytes(flipped))
    assert refused(tmp_path / "flipped.tar.gz", into=tmp_path / "r4").code == Refused.DAMAGED
    assert not (tmp_path / "r4" / "maillon.sqlite3").exists()


def test_an_archive_from_a_newer_version_is_refused_with_the_migrations_it_does_not_know(instance, place, tmp_path):
    backup(place)
    path = only_archive(place)

    def newer(manifest):
        manifest["migrations"]["backups"].append("0099_from_the_future")
        manifest["migrations"]["an_app_of_the_future"] = ["0001_initial"]

    future = rewrite(path, tmp_path / "future.tar.gz", manifest=newer)
    error = refused(future, into=tmp_path / "r")
    assert error.code == Refused.NEWER
    assert error.message.startswith("Cette archive vient d'une version plus récente de Maillon")
    assert "an_app_of_the_future.0001_initial, backups.0099_from_the_future" in error.message
    later = rewrite(path, tmp_path / "later.tar.gz", manifest=lambda m: m.update(maillon_version="99.0.0"))
    assert refused(later, into=tmp_path / "r").code == Refused.NEWER
    assert not (tmp_path / "r" / "maillon.sqlite3").exists()


def test_a_wrong_or_missing_passphrase_is_told_apart_from_damage(instance, place, tmp_path):
    (tmp_path / "pass").write_text("une phrase de passe assez longue\n")
    (tmp_path / "wrong").write_text("une autre phrase\n")
    backup(place, "--passphrase-file", str(tmp_path / "pass"))
    path = only_archive(place)
    assert b"tilleuls" not in path.read_bytes() and not path.read_bytes().startswith(b"\x1f\x8b")
    error = refused(path, into=tmp_path / "r", secret=crypto.Secret.from_files(tmp_path / "wrong"))
    assert error.code == Refused.WRONG_KEY
    assert error.message == ("Phrase de passe ou fichier de clé incorrect : cette archive a été chiffrée avec une autre. "
                             "Rien n'a été restauré.")
    assert refused(path, into=tmp_path / "r").code == Refused.WRONG_KEY  # none given
    blob = bytearray(path.read_bytes())
    blob[crypto.HEADER_SIZE + 100] ^= 1
    (tmp_path / "tampered.enc").write_bytes(bytes(blob))
    assert refused(tmp_path / "tampered.enc", into=tmp_path / "r", secret=crypto.Secret.from_files(tmp_path / "pass")).code == Refused.DAMAGED
    # Through the command: the exit status and the message.
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(path), "--into", str(tmp_path / "r"), "--passphrase-file", str(tmp_path / "wrong"))
    assert caught.value.returncode == Refused.WRONG_KEY and "Phrase de passe" in str(caught.value)
    assert not (tmp_path / "r" / "maillon.sqlite3").exists()


def test_it_restores_only_into_an_empty_database_and_media_directory(instance, place, tmp_path):
    from django.db import connection

    backup(place)
    path = only_archive(place)
    into = tmp_path / "r"
    if connection.vendor == "postgresql":
        error = refused(path, into=into, database_url=database_url(connection.settings_dict["NAME"]))  # the live test database
    else:
        into.mkdir()
        with sqlite3.connect(into / "maillon.sqlite3") as handle:
            handle.execute("CREATE TABLE someone_elses (id integer)")
        error = refused(path, into=into)
    assert error.code == Refused.NOT_EMPTY and "n'est pas vide" in error.message


def test_the_encrypted_stream_round_trips_any_size_and_refuses_a_cut_at_a_chunk_boundary():
    secret = crypto.Secret(crypto.KIND_KEY_FILE, os.urandom(32))
    for size in (0, 1, 99, 100, 101, 250):
        sink = io.BytesIO()
        writer = crypto.EncryptingWriter(sink, secret, chunk_size=100)
        data = os.urandom(size)
        writer.write(data)
        writer.close()
        assert crypto.DecryptingReader(io.BytesIO(sink.getvalue()), secret).read() == data
        if size >= 100:  # the full first chunk alone: never a final one
            cut = sink.getvalue()[: crypto.HEADER_SIZE + 100 + crypto.TAG_SIZE]
            with pytest.raises(crypto.Damaged):
                crypto.DecryptingReader(io.BytesIO(cut), secret).read()
    with pytest.raises(crypto.WrongKey):
        crypto.DecryptingReader(io.BytesIO(sink.getvalue()), crypto.Secret(crypto.KIND_KEY_FILE, os.urandom(32)))


def test_a_plain_archive_is_gzip_and_its_name_carries_its_time(instance, place):
    backup(place)
    path = only_archive(place)
    with gzip.open(path) as zipped:
        assert zipped.read(1)
    assert archive.archive_time(path.name) is not None and archive.archive_time("notes.txt") is None
