"""Encryption at rest: no plaintext of a child's health or contacts in the database (SQLite and
PostgreSQL), tampering and moved values are refused, and key rotation keeps everything readable."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from maillon.audit.models import AuditEntry

from .. import crypto, services
from ..models import HealthContact, HealthDocument, HealthRecord
from .helpers import ALLERGY, DOCTOR, PHONE, make_record

pytestmark = pytest.mark.django_db

SECRETS = [ALLERGY, "Arachides", DOCTOR, "Tilleuil", PHONE, "0612345678", "Martine", "Ventoline", "SCAN-MARKER-7731"]
KEY_A, KEY_B = crypto.new_key(), crypto.new_key()


def database_dump() -> bytes:
    """Everything the health tables hold, as raw bytes: SQLite's own dump, or on PostgreSQL
    every column of every row cast to text."""
    tables = ["health_healthrecord", "health_healthcontact", "health_healthdocument", "health_healthsettings"]
    if connection.vendor == "sqlite":
        return "\n".join(line for line in connection.connection.iterdump()).encode()
    chunks = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT t::text FROM {table} t")  # noqa: S608 - fixed names
            chunks += [row[0].encode() for row in cursor.fetchall()]
            cursor.execute(f"SELECT encode(content, 'escape') FROM {table}" if table == "health_healthdocument" else "SELECT 1")  # noqa: S608
            chunks += [str(row[0]).encode() for row in cursor.fetchall()]
    return b"\n".join(chunks)


def pdf(marker: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("fiche.pdf", b"%PDF-1.4\n" + marker.encode() + b"\n%%EOF", content_type="application/pdf")


def test_it_leaves_no_plaintext_of_health_or_contacts_in_the_database(people):
    record = make_record(people.org, treatments="Ventoline avant le sport")
    services.attach_document(record, services.check_document(pdf("SCAN-MARKER-7731")), "scan", actor=people.owner)
    dump = database_dump()
    assert b"Brindille" in dump  # the names stay in clear (list, sort, search): the dump is real
    for secret in SECRETS:  # as text, and as the hexadecimal a dump writes blobs in
        for form in (secret.encode(), secret.encode().hex().encode(), secret.encode().hex().upper().encode()):
            assert form not in dump, secret
    fresh = HealthRecord.objects.get(pk=record.pk)
    assert (fresh.allergies, fresh.doctor_name, fresh.contacts.get().phone) == (ALLERGY, DOCTOR, PHONE)


def test_it_refuses_an_altered_value_and_a_value_moved_to_another_column(people):
    record = make_record(people.org)
    with connection.cursor() as cursor:
        cursor.execute("SELECT allergies, doctor_name FROM health_healthrecord WHERE id = %s", [record.pk])
        allergies, _doctor = cursor.fetchone()
        cursor.execute("UPDATE health_healthrecord SET doctor_name = %s WHERE id = %s", [allergies, record.pk])
    with pytest.raises(crypto.DecryptionError):
        HealthRecord.objects.get(pk=record.pk)
    token = bytearray(crypto.encrypt_bytes(b"Asthme", "x"))
    token[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(bytes(token), "x")


def test_it_hides_even_whether_a_field_is_empty(people):
    with_allergy = make_record(people.org, allergies="Pollen")
    without = make_record(people.org, allergies="", last="Sansallergie")
    with connection.cursor() as cursor:
        cursor.execute("SELECT allergies FROM health_healthrecord WHERE id IN (%s, %s) ORDER BY id", [with_allergy.pk, without.pk])
        first, second = (row[0] for row in cursor.fetchall())
    assert first.startswith("h1:") and second.startswith("h1:") and len(first) == len(second)


@hsettings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), context=st.sampled_from(["health.healthrecord.allergies", "health.healthcontact.phone"]))
def test_it_reads_back_any_text(text, context):
    token = crypto.encrypt_text(text, context)
    assert crypto.decrypt_text(token, context) == text
    assert token != crypto.encrypt_text(text, context)  # a fresh nonce each time


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        value = cursor.fetchone()[0]
    return bytes(value) if isinstance(value, (bytes, memoryview)) else value


def test_it_rotates_the_key_keeping_every_record_readable_and_changing_every_ciphertext(people, settings):
    settings.HEALTH_KEY, settings.HEALTH_OLD_KEYS = KEY_A, []
    records = [make_record(people.org, last=f"Enfant{i}", dtp_date=datetime.date(2020, 1, 1 + i)) for i in range(3)]
    document = services.attach_document(records[0], services.check_document(pdf("SCAN-MARKER-7731")), "pai", actor=people.owner)
    contact = records[0].contacts.get()
    before = {"allergies": _raw("health_healthrecord", "allergies", records[0].pk),
              "phone": _raw("health_healthcontact", "phone", contact.pk),
              "content": _raw("health_healthdocument", "content", document.pk)}
    settings.HEALTH_KEY, settings.HEALTH_OLD_KEYS = KEY_B, [KEY_A]
    out = io.StringIO()
    call_command("health", "rotate-key", stdout=out)
    assert "3 fiches, 3 contacts, 1 documents" in out.getvalue()
    after = {"allergies": _raw("health_healthrecord", "allergies", records[0].pk),
             "phone": _raw("health_healthcontact", "phone", contact.pk),
             "content": _raw("health_healthdocument", "content", document.pk)}
    for name in before:
        assert before[name] != after[name], name
        assert crypto.token_key_id(after[name]) == crypto.key_id(crypto.parse_key(KEY_B))
    settings.HEALTH_OLD_KEYS = []  # the old key is gone: everything still reads
    for i, record in enumerate(records):
        fresh = HealthRecord.objects.get(pk=record.pk)
        assert (fresh.allergies, fresh.has_pai, fresh.dtp_date) == (ALLERGY, True, datetime.date(2020, 1, 1 + i))
    assert [c.phone for c in HealthContact.objects.all()] == [PHONE] * 3
    doc = HealthDocument.objects.get()
    assert doc.meta["kind"] == "pai" and b"SCAN-MARKER-7731" in crypto.decrypt_bytes(doc.content, HealthDocument.CONTENT_CONTEXT)
    assert AuditEntry.objects.filter(action="health.rotate_key").count() == 1


def test_it_cannot_read_without_the_key_that_wrote(people, settings):
    settings.HEALTH_KEY, settings.HEALTH_OLD_KEYS = KEY_A, []
    record = make_record(people.org)
    settings.HEALTH_KEY = KEY_B
    with pytest.raises(crypto.DecryptionError):
        HealthRecord.objects.get(pk=record.pk)


def test_new_key_prints_a_usable_key():
    out = io.StringIO()
    call_command("health", "new-key", stdout=out)
    assert len(crypto.parse_key(out.getvalue().strip())) == 32


def test_rotate_key_generate_makes_a_new_development_key_and_keeps_both_on_disk_until_done(people, settings, tmp_path):
    (tmp_path / "health_key").write_text(KEY_A)
    settings.DATA_DIR, settings.HEALTH_KEY, settings.HEALTH_OLD_KEYS = tmp_path, KEY_A, []
    record = make_record(people.org)
    call_command("health", "rotate-key", "--generate", stdout=io.StringIO())
    new = (tmp_path / "health_key").read_text().strip()
    assert new not in (KEY_A, "") and new == settings.HEALTH_KEY
    assert not (tmp_path / "health_key.old").exists()  # removed once every value is under the new key
    settings.HEALTH_OLD_KEYS = []
    assert HealthRecord.objects.get(pk=record.pk).allergies == ALLERGY
    settings.HEALTH_KEY = KEY_B  # a key that is not the file's: --generate refuses
    with pytest.raises(CommandError, match="--generate"):
        call_command("health", "rotate-key", "--generate", stdout=io.StringIO())
