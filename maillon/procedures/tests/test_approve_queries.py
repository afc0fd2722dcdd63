"""Approving a step costs a fixed number of queries at each step of a three-step chain, whatever the
number of answers, of past rounds, of other submissions or of delegations in the organisation; only
the approvers to notify count (issue 3: 33 queries per approval before, 25 now in bench/procedures.py)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from maillon.procedures import services
from maillon.procedures.models import Delegation, Step, Submission
from maillon.testing import TEST_PASSWORD, QueryCounter, signed_in

BASE = "/essais/demarches/"
IBAN = "FR7630006000011234567890189"
# The request (session, person, membership and roles, second factor of the director), the submission
# and its steps, the step's lock, the signature and the decision with their audit entries, the next
# step opened and its approvers, then the notifications of the approver and of the applicant (the
# test runs the e-mail task at once). bench/procedures.py counts 25 for the coordinator's approval.
# Since issue 12 the e-mail task, run at once here (by the worker in production, not the request),
# also records its idempotency key so that a retried task never sends twice (+4 per e-mail:
# a savepoint around the insert, the insert, « done »).
# Since issue 13 each notification reads how its person wants that kind (notifications/kinds.py:
# one query per person notified, +1 or +2 per step).
EMAIL_KEY = 4
PREFERENCE = 1
# Since issue 15 each notification looks, after commit, whether its person has a device for Web
# Push (notifications/push.py enqueue: one query per person notified; the middle step notifies two).
PUSH_DEVICES = 1
MIDDLE_STEP_BUDGET = 32 + 2 * PUSH_DEVICES
# The last step closes the submission instead: its event, bookings, audit entry and the applicant's notification.
LAST_STEP_BUDGET = 34 + PUSH_DEVICES


@pytest.fixture
def mileage(enable):
    return enable("frais-kilometriques")  # coordinator, accounting / HR, director (seed 001 §1)


def answers(lines: int) -> dict:
    return {"trajets": [{"date": "2026-03-02", "objet": f"Sortie n° {i}", "km": "40", "montant": "600.00"} for i in range(lines)],
            "iban": IBAN}



def decide_queries(client, submission, django_capture_on_commit_callbacks) -> int:
    with QueryCounter() as queries, django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}dossiers/{submission.pk}/decision/", {"decision": "approve"})
    assert response.status_code == 302, response.content.decode()[:500]
    return len(queries)


def three_decisions(submission, chain, django_capture_on_commit_callbacks) -> list[int]:
    counts = []
    for approver, role in ((chain.coordinator, "coordinator"), (chain.hr, "hr"), (chain.director, "director")):
        waiting = Step.objects.get(submission=submission, status=Step.Status.WAITING)
        assert waiting.role == role
        counts.append(decide_queries(signed_in(approver), submission, django_capture_on_commit_callbacks))
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.APPROVED
    return counts


def test_approving_costs_the_same_queries_whatever_the_data(people, chain, flow, make_request, mileage,
                                                             django_capture_on_commit_callbacks):
    Client().get("/essais/")  # the organisation's domain is cached from the first request on
    small = three_decisions(flow.submit(people.owner, mileage, answers(1)), chain, django_capture_on_commit_callbacks)
    assert max(small[:2]) <= MIDDLE_STEP_BUDGET and small[2] <= LAST_STEP_BUDGET, small

    # More answers, a past round (changes asked, then sent again), other submissions and delegations around.
    big = flow.submit(people.owner, mileage, answers(25))
    flow.approve(chain.coordinator, big, decision="changes", comment="Il manque le justificatif du 2 mars.")
    request = make_request(people.owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_draft(request, mileage, answers(30), Submission.objects.get(pk=big.pk))
        services.submit(request, Submission.objects.get(pk=big.pk), password=TEST_PASSWORD)
    for _ in range(4):
        flow.submit(people.colleague, mileage, answers(3))
    today = timezone.localdate()
    Delegation.objects.create(organisation=people.org, delegator=chain.hr, delegate=chain.communication,
                              start=today, end=today + timedelta(days=7))
    Delegation.objects.create(organisation=people.org, delegator=chain.director, delegate=chain.communication,
                              start=today - timedelta(days=30), end=today - timedelta(days=20))
    many = three_decisions(Submission.objects.get(pk=big.pk), chain, django_capture_on_commit_callbacks)
    # Opening the HR step (after the coordinator's decision) now also notifies HR's delegate (one
    # notification, how that person wants it, whether they have a device, and its e-mail more); nothing else grows.
    assert many == [small[0] + 2 + PREFERENCE + PUSH_DEVICES + EMAIL_KEY, small[1], small[2]], (small, many)
