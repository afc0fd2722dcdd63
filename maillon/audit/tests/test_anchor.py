"""An emptied, cut or rewritten audit log never verifies: ``audit verify`` compares the entries
with the chain head and with the signed checkpoints kept outside the database; the database
refuses DELETE, TRUNCATE and any move of the head but one entry forward."""

import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from maillon.audit import checkpoints, guards
from maillon.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from maillon.audit.services import record
from maillon.audit.tests.tampering import checks_settled, raw, run_verify
from maillon.core import periodic

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE exists on PostgreSQL only")


@pytest.fixture
def entries(people):
    return [record(f"test.action{i}", actor=people.owner, organisation=people.org, data={"i": i}) for i in range(5)]


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def refused(sql, params=()):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# The head: what the entries are compared with.

def test_an_emptied_log_does_not_verify(entries):
    n = AuditEntry.objects.count()  # the fixtures' own entries, and these five
    raw("DELETE FROM audit_auditentry")
    code, out, error = run_verify()
    assert code == 1
    assert "0 entrées vérifiées." in out
    assert f"{n} entrées manquantes : la tête de chaîne en enregistre {n}, le journal en compte 0" in out
    assert "intact" not in out
    assert "falsifié" in error


@postgresql_only
def test_a_truncated_log_does_not_verify(entries):
    n = AuditEntry.objects.count()
    raw("TRUNCATE audit_auditentry")
    code, out, _ = run_verify()
    assert code == 1 and f"{n} entrées manquantes" in out


def test_a_log_cut_at_the_end_does_not_verify(entries):
    raw("DELETE FROM audit_auditentry WHERE id >= %s", [entries[3].pk])
    code, out, _ = run_verify()
    assert code == 1
    assert f"{AuditEntry.objects.count()} entrées vérifiées." in out
    assert "2 entrées manquantes" in out
    assert f"n’est pas celle de la dernière entrée ({entries[2].hash[:12]}…)" in out


def test_a_tampered_head_does_not_verify(entries):
    n = AuditEntry.objects.count()
    raw("UPDATE audit_audithead SET count = %s", [n - 1])
    code, out, _ = run_verify()
    assert code == 1 and f"la tête de chaîne en enregistre {n - 1} mais le journal en compte {n}" in out
    raw("UPDATE audit_audithead SET count = %s, last_hash = %s", [n, entries[3].hash])
    code, out, _ = run_verify()
    assert code == 1 and "dernière empreinte de la tête de chaîne" in out


def test_a_missing_head_does_not_verify(entries):
    raw("DELETE FROM audit_audithead")
    code, out, _ = run_verify()
    assert code == 1 and "la tête de chaîne a disparu" in out


def test_an_empty_new_log_verifies(db):
    assert run_verify()[0] == 0


# The database guards.

def test_the_database_refuses_to_empty_the_log(entries):
    n = AuditEntry.objects.count()
    refused("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == n


@postgresql_only
def test_postgresql_refuses_truncate(entries):
    for table in ("audit_auditentry", "audit_audithead"):
        with checks_settled(), pytest.raises(DatabaseError, match="refused"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
    assert AuditEntry.objects.count() == AuditHead.objects.get().count


def test_the_head_only_moves_forward_by_one_chained_entry(entries):
    n = AuditEntry.objects.count()
    refused("UPDATE audit_audithead SET count = 2")
    refused("UPDATE audit_audithead SET last_hash = %s", [entries[2].hash])
    refused("UPDATE audit_audithead SET count = %s, last_hash = %s", [n + 1, entries[2].hash])  # not chained to the head
    refused("UPDATE audit_audithead SET count = 0, last_hash = %s", [GENESIS_HASH])
    refused("DELETE FROM audit_audithead")
    head = AuditHead.objects.get()
    assert (head.count, head.last_hash) == (n, entries[-1].hash)
    record("test.after")  # the append path still moves it
    assert AuditHead.objects.get().count == n + 1
    assert run_verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_the_guards_come_back():
    """The test runner's flush (and a restore) lift the guards for their one transaction."""
    record("test.flush")
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0 and AuditHead.objects.count() == 0
    record("test.after_flush")
    refused("DELETE FROM audit_auditentry")
    with guards.lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
        cursor.execute("DELETE FROM audit_audithead")
    record("test.after_lifted")
    refused("DELETE FROM audit_auditentry")  # lifted for that block only
    refused("DELETE FROM audit_audithead")


# Signed checkpoints: the anchor outside the database.

def test_the_checkpoint_command_signs_the_head_into_the_file_and_the_log(entries, checkpoint_file, caplog):
    out = StringIO()
    with caplog.at_level(logging.INFO, logger="maillon.audit"):
        call_command("audit", "checkpoint", stdout=out)
    n = AuditEntry.objects.count()
    assert f"{n} entrées, dernière empreinte {entries[-1].hash[:12]}…" in out.getvalue()
    [written] = lines(checkpoint_file)
    assert written["count"] == n and written["last_hash"] == entries[-1].hash
    assert checkpoints.signature_is_valid(written)
    assert any("audit checkpoint" in r.getMessage() and entries[-1].hash in r.getMessage() for r in caplog.records)
    record("test.later")  # the log goes on after a checkpoint
    code, out, _ = run_verify()
    assert code == 0
    assert f"{n + 1} entrées vérifiées : le journal d’audit est intact." in out
    assert "1 point de contrôle signé concorde" in out


def test_a_log_cut_with_its_head_rewound_is_caught_by_the_checkpoint(entries):
    n = checkpoints.write_checkpoint()["count"]
    with guards.lifted(), connection.cursor() as cursor:  # everything the database owner can do
        cursor.execute("DELETE FROM audit_auditentry WHERE id >= %s", [entries[3].pk])
        cursor.execute("UPDATE audit_audithead SET count = %s, last_hash = %s", [n - 2, entries[2].hash])
    code, out, error = run_verify()
    assert code == 1
    assert "entrées manquantes" not in out  # the head was rewound to match
    assert f"enregistre {n} entrées, le journal n’en a que {n - 2} : des entrées ont été supprimées" in out
    assert "falsifié" in error


def test_a_log_rewritten_as_a_new_chain_is_caught_by_the_checkpoint(entries):
    n = checkpoints.write_checkpoint()["count"]
    with guards.lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
        cursor.execute("DELETE FROM audit_audithead")
    for i in range(n + 2):
        record(f"test.forged{i}")
    code, out, _ = run_verify()
    assert code == 1
    assert f"l’entrée n°{n} diffère du point de contrôle" in out
    assert "le journal a été réécrit" in out


def test_the_daily_job_writes_a_checkpoint(entries, checkpoint_file):
    job = periodic.JOBS["audit.checkpoint"]
    assert job.period == "daily"
    job.task.enqueue()  # immediate backend in tests
    assert lines(checkpoint_file)[-1]["count"] == AuditEntry.objects.count()


@pytest.mark.parametrize("forgery", ["count", "other_key", "garbage"])
def test_a_forged_or_unreadable_checkpoint_is_reported(entries, checkpoint_file, forgery):
    honest = checkpoints.write_checkpoint()
    if forgery == "count":
        line = json.dumps({**honest, "count": 3, "last_hash": entries[2].hash})
    elif forgery == "other_key":
        line = {**honest, "count": 3, "last_hash": entries[2].hash}
        line = json.dumps({**line, "signature": checkpoints.sign(line, secret="another-key")})
    else:
        line = "{not json"
    with checkpoint_file.open("a") as f:
        f.write(line + "\n")
    code, out, error = run_verify()
    assert code == 1
    if forgery == "garbage":
        assert "ligne 2 : illisible, ce n’est pas un point de contrôle" in out
    else:
        assert "ligne 2" in out and "la signature ne correspond pas : le point de contrôle a été falsifié, ou SECRET_KEY a changé" in out
    assert "Un point de contrôle n’est pas fiable" in error  # the log itself still matches the honest one


def test_a_checkpoint_signed_with_a_previous_key_still_verifies(entries, settings):
    checkpoints.write_checkpoint()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "y" * 40
    assert run_verify()[0] == 0
