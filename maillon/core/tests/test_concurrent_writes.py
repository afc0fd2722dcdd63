"""Writers at the same moment, each in its own thread and database connection, through the services
(issue 14): leave requests sent, final approvals debiting the ledger, and bookings of the same
room on the same slot. No ``OperationalError`` (« database is locked » on SQLite, whose test
database is a file: settings_test.py), exactly one booking wins, every approval debits once. Runs
on SQLite and on PostgreSQL (DATABASE_URL). bench/writes.py does the same over HTTP against
``maillon serve``."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.agenda import services as agenda
from maillon.agenda.models import Allocation
from maillon.agenda.recurrence import PARIS
from maillon.agenda.tests.helpers import room
from maillon.leave import services as leave
from maillon.leave.models import LeaveType, LedgerEntry, PendingRequest
from maillon.leave.tests.test_overdraw import _run_at_once, answers, mondays, request_of
from maillon.procedures import services as procedures
from maillon.procedures.models import Step, Submission
from maillon.testing import TEST_PASSWORD, build_people, make_member

APPLICANTS = 6
BOOKERS = 6


def book(membership, **slot):
    """A booking; its conflict counts as a refusal (« refused ») for ``_run_at_once``."""
    try:
        agenda.create_event(membership, **slot)
    except agenda.ConflictError as conflict:
        raise ValidationError(conflict.message) from conflict


@pytest.mark.django_db(transaction=True)
def test_requests_approvals_and_bookings_of_one_slot_at_the_same_moment():
    people = build_people()
    org = people.org
    hr = people.with_role(Role.HR, sector_name=None)
    coordinator = people.with_role(Role.COORDINATOR)
    director = people.with_role(Role.DIRECTOR, sector_name=None)
    procedure = procedures.enable_template(request_of(hr, org), "absence-conge")
    leave.ensure_default_types(org)
    leave.settings_for(org)  # created on first use: here, not by the racing threads
    rtt = LeaveType.objects.get(organisation=org, code="rtt")
    applicants = [make_member(org) for _ in range(APPLICANTS + 2)]
    for user in applicants:
        leave.add_correction(membership=Membership.objects.get(user=user, organisation=org), leave_type=rtt, amount=Decimal(5),
                             reason="Solde d'ouverture", actor=hr)
    week = mondays(1)[0]
    # Two requests already approved by the coordinator and HR: their final approvals race too.
    waiting = []
    for user in applicants[APPLICANTS:]:
        submission = procedures.submit(request_of(user, org), procedures.save_draft(request_of(user, org), procedure, answers(week)),
                                       password=TEST_PASSWORD)
        for approver in (coordinator, hr):
            procedures.decide(request_of(approver, org), Step.objects.get(submission=submission, status=Step.Status.WAITING),
                              "approve", password=TEST_PASSWORD)
        waiting.append(submission)
    drafts = [procedures.save_draft(request_of(user, org), procedure, answers(week)) for user in applicants[:APPLICANTS]]
    salle = room(org)
    bookers = [people.owner, people.colleague, *applicants[:BOOKERS - 2]]
    memberships = [Membership.objects.with_roles().get(user=user, organisation=org) for user in bookers]
    day = week + timedelta(days=7)
    start, end = datetime.combine(day, time(14), tzinfo=PARIS), datetime.combine(day, time(15), tzinfo=PARIS)

    actions = [lambda d=d, u=u: procedures.submit(request_of(u, org), d, password=TEST_PASSWORD)
               for d, u in zip(drafts, applicants, strict=False)]
    actions += [lambda s=s: procedures.decide(request_of(director, org), Step.objects.get(submission=s, status=Step.Status.WAITING),
                                              "approve", password=TEST_PASSWORD) for s in waiting]
    actions += [lambda m=m: book(m, title=f"Atelier de {m.user.username}", start=start, end=end, resources=[salle]) for m in memberships]
    # Fails on any error other than a refusal: no « database is locked », no deadlock.
    outcomes = _run_at_once(actions)

    submitted, approved, booked = outcomes[:APPLICANTS], outcomes[APPLICANTS:APPLICANTS + 2], outcomes[APPLICANTS + 2:]
    assert submitted == ["ok"] * APPLICANTS and approved == ["ok", "ok"]
    assert sorted(booked) == ["ok"] + ["refused"] * (BOOKERS - 1), connection.vendor
    assert Allocation.objects.filter(resource=salle, active=True).count() == 1
    assert Submission.objects.filter(pk__in=[d.pk for d in drafts], status=Submission.Status.PENDING).count() == APPLICANTS
    references = [f"procedures.submission:{s.pk}" for s in waiting]
    assert sorted(Submission.objects.filter(pk__in=[s.pk for s in waiting]).values_list("status", flat=True)) == ["approved", "approved"]
    assert LedgerEntry.objects.filter(reference__in=references, kind=LedgerEntry.Kind.DEBIT).count() == 2  # debited once each
    assert not PendingRequest.objects.filter(reference__in=references).exists()
    assert PendingRequest.objects.filter(reference__in=[f"procedures.submission:{d.pk}" for d in drafts]).count() == APPLICANTS
