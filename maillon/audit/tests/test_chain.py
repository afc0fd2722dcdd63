"""The hash-chained audit log: append-only, tamper evident, one chain under concurrency."""

import threading

import pytest
from django.db import DatabaseError, close_old_connections, connection, transaction

from maillon.audit.models import AuditEntry, AuditHead
from maillon.audit.services import record, verify_chain
from maillon.audit.tests.tampering import raw, run_verify


@pytest.fixture
def entries(people):
    return [record(f"test.action{i}", actor=people.owner, organisation=people.org, data={"i": i, "é": "ü"}) for i in range(5)]


def test_it_chains_each_entry_to_the_previous(entries):
    first = AuditEntry.objects.order_by("id").first()
    assert first.previous_hash == "0" * 64
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.hash
    assert AuditHead.objects.get().last_hash == entries[-1].hash
    assert verify_chain().ok


def test_verify_reports_an_intact_chain(entries):
    code, out, _ = run_verify()
    assert code == 0
    assert f"{AuditEntry.objects.count()} entrées vérifiées : le journal d’audit est intact." in out
    assert "Aucun fichier de points de contrôle" in out  # only the head was there to compare with


def test_verify_reports_the_first_altered_entry(entries):
    raw("UPDATE audit_auditentry SET target_label = %s WHERE id = %s", ["falsifié", entries[2].pk])
    raw("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["autre", entries[3].pk])
    result = verify_chain()
    assert result.first_bad_id == entries[2].pk
    assert result.checked == AuditEntry.objects.filter(id__lt=entries[2].pk).count()
    code, out, error = run_verify()
    assert code == 1
    assert f"#{entries[2].pk}" in out
    assert "contenu modifié" in out
    assert "falsifié" in error


def test_verify_reports_an_entry_removed_in_the_middle(entries):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    result = verify_chain()
    assert result.first_bad_id == entries[2].pk
    code, out, _ = run_verify()
    assert code == 1
    assert f"#{entries[2].pk}" in out
    assert "chaîne rompue" in out


def test_verify_reports_entries_removed_at_the_end(entries):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_id is None  # what is left chains correctly: the head tells
    assert any("1 entrée manquante" in p for p in result.problems)


def test_verify_detects_a_rehashed_forgery(entries):
    """Recomputing the altered entry's own hash is not enough: the next link breaks."""
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.target_label = "falsifié"
    new_hash = forged.compute_hash()
    raw("UPDATE audit_auditentry SET target_label = %s, hash = %s WHERE id = %s", ["falsifié", new_hash, forged.pk])
    assert verify_chain().first_bad_id == entries[2].pk


def test_the_orm_refuses_updates_and_deletes(entries):
    entry = AuditEntry.objects.get(pk=entries[0].pk)
    entry.action = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert verify_chain().ok


def test_the_database_refuses_raw_updates_and_deletes(entries):
    for sql in ("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entries[0].pk])
    assert verify_chain().ok


def test_verify_walks_in_batches(entries):
    result = verify_chain(batch_size=2)
    assert result.ok and result.checked == AuditEntry.objects.count() >= 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain():
    threads, errors = [], []
    barrier = threading.Barrier(6)

    def append(n):
        try:
            barrier.wait(timeout=10)
            for i in range(8):
                record("test.concurrent", data={"thread": n, "i": i})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    for n in range(6):
        threads.append(threading.Thread(target=append, args=(n,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    result = verify_chain()
    assert result.ok, result.reason
    assert result.checked == 48
    assert AuditHead.objects.get().count == 48
    hashes = list(AuditEntry.objects.values_list("previous_hash", flat=True))
    assert len(set(hashes)) == 48  # no two entries chained to the same predecessor
