"""The audit log's head row and the other row locks of a write never wait for each other in a
circle (issue 14: PostgreSQL's « deadlock detected » with 40 people writing at once, bench/writes.py).

``record()`` locks the head until commit. A transaction that holds another lock and then records
waits for the head; if the head's holder then needs that other lock, PostgreSQL kills one of them.
The person's leave lock (``leave.services._lock_person``, their membership row) is the lock every
leave request, approval and correction takes before its signature is audited; rows that merely
point at the membership (a ledger entry, a booking's allocation, a role) must not wait for it,
so it is taken FOR NO KEY UPDATE: a foreign key's check (FOR KEY SHARE) passes. PostgreSQL only:
SQLite runs one write transaction at a time."""

import threading

import pytest
from django.db import connection, connections, transaction

from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.audit.services import record, verify_chain
from maillon.leave import services as leave
from maillon.testing import build_people

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")


@pytest.mark.django_db(transaction=True)
def test_the_person_lock_then_the_audit_head_and_the_head_then_a_row_of_that_person():
    people = build_people()
    membership = Membership.objects.get(user=people.owner, organisation=people.org)
    person_locked, head_taken = threading.Event(), threading.Event()
    errors, done = [], []

    def leave_request():  # the person's lock, then the signature's audit entry
        try:
            with transaction.atomic():
                leave.lock_person_of(people.org.pk, people.owner.pk)
                person_locked.set()
                assert head_taken.wait(10)
                record("test.after_person_lock", actor=people.owner, organisation=people.org)
            done.append("leave request")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def other_write():  # an audited write that then adds a row pointing at the same membership
        try:
            assert person_locked.wait(10)
            with transaction.atomic():
                record("test.before_reference", actor=people.colleague, organisation=people.org)
                head_taken.set()
                RoleAssignment.objects.create(membership=membership, role=Role.SUPERVISOR)
            done.append("other write")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=leave_request), threading.Thread(target=other_write)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []  # before: « deadlock detected » for one of them
    assert sorted(done) == ["leave request", "other write"]
    # The other write took the head first, so its entry comes first in the chain.
    assert list(AuditEntry.objects.filter(action__startswith="test.").order_by("id").values_list("action", flat=True)) == [
        "test.before_reference", "test.after_person_lock"]
    assert verify_chain().ok
