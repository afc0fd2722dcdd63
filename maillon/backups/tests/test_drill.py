"""The restore drill, on SQLite and on PostgreSQL: load the demo, back up, restore into a fresh
place (a new data directory; on PostgreSQL a new database, dropped after), then compare every
table's row count and a hash of every row, and every media file, byte for byte."""

from __future__ import annotations

import pytest

from maillon.backups import crypto, restore, services
from maillon.backups.models import BackupRun

from .conftest import restored_connection
from .helpers import table_fingerprints, tree_fingerprint


@pytest.mark.django_db(transaction=True)
def test_restore_drill_of_the_demo(place, fresh, settings):
    from django.db import connections

    from maillon.core.demo import seed

    seed()
    (place / "data" / "media" / "documents").mkdir(exist_ok=True)
    (place / "data" / "media" / "documents" / "compte-rendu.pdf").write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 40)
    (place / "data" / "audit-checkpoints.jsonl").write_text('{"v": 1, "count": 12}\n')
    (place / "passphrase").write_text("exercice de restauration\n")
    settings.BACKUP_PASSPHRASE_FILE = str(place / "passphrase")

    outcome = services.run_backup()
    assert outcome.run.result == BackupRun.Result.OK, outcome.run.error
    assert outcome.run.encrypted
    before = table_fingerprints(connections["default"])
    media_before = tree_fingerprint(place / "data" / "media")
    assert media_before, "the demo stores its logo (and the drill a document) under MEDIA_ROOT"
    assert before["accounts_user"][0] >= 50 and before["audit_auditentry"][0] > 0

    result = restore.restore(outcome.written.path, secret=crypto.Secret.from_files(place / "passphrase"), **fresh)
    restored = restored_connection(fresh)
    try:
        after = table_fingerprints(restored)
    finally:
        restored.close()
    # The archive was made after the run's row was written (« running »): the restored copy has it as such.
    run_table = BackupRun._meta.db_table
    before.pop(run_table), after.pop(run_table)
    assert sorted(after) == sorted(before)
    assert {t: after[t] for t in after if after[t] != before[t]} == {}
    assert tree_fingerprint(fresh["into"] / "media") == media_before
    assert (fresh["into"] / "audit-checkpoints.jsonl").read_text() == '{"v": 1, "count": 12}\n'
    assert result.media == len(media_before) and result.to_migrate == []
