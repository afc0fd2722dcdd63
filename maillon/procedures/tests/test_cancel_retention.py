"""Cancelling an approved leave (applicant before it starts, HR any time): the ledger is credited
back, notified, audited. Retention: anonymise where the procedure says so, keep the purge record;
the « expiring soon » filter and its CSV export on the HR list."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from maillon.audit.models import AuditEntry
from maillon.audit.services import verify_chain
from maillon.notifications.models import Notification
from maillon.procedures import policies, services
from maillon.procedures.models import Event, Procedure, PurgeRecord, Step, Submission
from maillon.testing import QueryCounter

BASE = "/essais/demarches/"
MILEAGE = {"trajets": [{"date": "2026-03-02", "objet": "Sortie", "km": "40", "montant": "14.00"}], "iban": "FR7630006000011234567890189"}


@pytest.fixture
def leave_setup(people, chain, enable, make_request):
    from maillon.leave import services as leave

    procedure = enable("absence-conge")
    leave.ensure_default_types(people.org)
    paid = leave.leave_types(people.org).get(code="cp")
    membership = make_request(people.owner).membership
    leave.add_correction(membership=membership, leave_type=paid, amount=10, reason="Solde d'ouverture", actor=chain.hr)
    return procedure, paid, membership


def approved_leave(people, chain, flow, procedure, days_ahead=60):
    start = timezone.localdate() + timedelta(days=days_ahead)
    while start.weekday() != 0:
        start += timedelta(days=1)
    answers = {"leave_type": "Congés payés", "period": {"start": start.isoformat(), "start_half": "morning",
                                                        "end": (start + timedelta(days=1)).isoformat(), "end_half": "afternoon"}}
    sub = flow.submit(people.owner, procedure, answers)
    for approver in (chain.coordinator, chain.hr, chain.director):
        flow.approve(approver, sub)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.APPROVED
    return sub


def test_it_lets_the_applicant_cancel_an_approved_leave_after_confirmation_and_credits_it_back(people, chain, login, flow, leave_setup,
                                                                                                django_capture_on_commit_callbacks):
    from maillon.leave import services as leave

    procedure, paid, membership = leave_setup
    sub = approved_leave(people, chain, flow, procedure)
    assert leave.balance(membership, paid) == 8
    client = login(people.owner)
    page = client.get(f"{BASE}dossiers/{sub.pk}/").content.decode()
    assert "Annuler ce congé" in page
    confirm = client.get(f"{BASE}dossiers/{sub.pk}/annuler/")
    assert confirm.status_code == 200 and "Annuler ce congé ?" in confirm.content.decode()
    sub.refresh_from_db()
    assert sub.status == Submission.Status.APPROVED  # the GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}dossiers/{sub.pk}/annuler/", {"reason": "Séjour reporté"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == Submission.Status.CANCELLED
    assert leave.balance(membership, paid) == 10
    assert Event.objects.filter(submission=sub, kind=Event.Kind.CANCELLED, comment="Séjour reporté").exists()
    assert AuditEntry.objects.filter(action="procedures.cancel", target_id=str(sub.pk)).exists()
    assert AuditEntry.objects.filter(action="leave.cancel").exists() and verify_chain().ok
    for approver in (chain.coordinator, chain.hr, chain.director):
        assert Notification.objects.filter(recipient=approver, title__startswith="Annulée").exists()
    assert "Annulée après validation" in client.get(f"{BASE}dossiers/{sub.pk}/").content.decode()
    # Twice changes nothing more.
    assert client.post(f"{BASE}dossiers/{sub.pk}/annuler/").status_code == 403
    assert leave.balance(membership, paid) == 10


def test_it_refuses_the_applicant_once_the_leave_started_but_lets_hr_cancel(people, chain, login, flow, leave_setup, make_request,
                                                                           django_capture_on_commit_callbacks):
    from maillon.leave import services as leave

    procedure, paid, membership = leave_setup
    sub = approved_leave(people, chain, flow, procedure)
    today = timezone.localdate() + timedelta(days=70)
    assert not services.can_cancel(make_request(people.owner).membership, sub, today=today)
    assert services.can_cancel(make_request(chain.hr).membership, sub, today=today)
    assert login(chain.coordinator).get(f"{BASE}dossiers/{sub.pk}/annuler/").status_code == 403
    assert login(people.colleague).get(f"{BASE}dossiers/{sub.pk}/annuler/").status_code == 404
    assert login(people.outsider).get(f"{BASE}dossiers/{sub.pk}/annuler/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert login(chain.hr).post(f"{BASE}dossiers/{sub.pk}/annuler/").status_code == 302
    assert leave.balance(membership, paid) == 10
    assert Notification.objects.filter(recipient=people.owner, title__startswith="Annulée").exists()


def test_it_cancels_only_approved_leave_requests(people, chain, enable, flow, make_request):
    procedure = enable("frais-kilometriques")
    sub = flow.submit(people.owner, procedure, MILEAGE)
    flow.approve(chain.coordinator, sub)
    flow.approve(chain.hr, sub)
    sub.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.cancel_approved(make_request(chain.hr), sub)


@given(status=st.sampled_from(["draft", "pending", "changes", "approved", "rejected", "withdrawn", "cancelled"]),
       applicant=st.booleans(), oversees=st.booleans(), offset=st.integers(-5, 5), leave=st.booleans())
def test_it_allows_cancelling_by_the_rule(status, applicant, oversees, offset, leave):
    today = timezone.localdate()
    starts_on = today + timedelta(days=offset) if leave else None
    allowed = policies.can_cancel(1, 1 if applicant else 2, status, starts_on, today, oversees)
    expected = status == "approved" and leave and (oversees or (applicant and offset > 0))
    assert allowed == expected


def test_it_anonymises_instead_of_deleting_when_the_procedure_says_so(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    Procedure.objects.filter(pk=procedure.pk).update(retention_action=Procedure.RetentionAction.ANONYMISE)
    old = flow.submit(people.owner, procedure, MILEAGE)
    flow.approve(chain.coordinator, old, decision="changes", comment="Il manque le justificatif de Noël")
    services.withdraw(make_request(people.owner), old)
    recent = flow.submit(people.owner, procedure, MILEAGE)
    Submission.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=3 * 365 + 2))
    records = services.purge_expired()
    assert [(r.count, r.action) for r in records] == [(1, "anonymise")]
    old.refresh_from_db()
    assert old.applicant_id is None and old.data == {} and old.anonymised_at is not None
    assert old.amount == 14 and old.status == Submission.Status.WITHDRAWN  # figures kept
    assert not Step.objects.filter(submission=old).exclude(comment="").exists()
    assert not Event.objects.filter(submission=old).exclude(comment="").exists()
    assert not Event.objects.filter(submission=old, actor=people.owner).exists()
    recent.refresh_from_db()
    assert recent.applicant_id == people.owner.pk and recent.data
    assert PurgeRecord.objects.get().references == [old.reference]
    assert AuditEntry.objects.filter(action="procedures.purge", data__action="anonymise").exists() and verify_chain().ok
    assert services.purge_expired() == []  # not anonymised twice


def test_it_shows_an_anonymised_submission_to_hr(people, chain, enable, make_request, flow, login):
    procedure = enable("frais-kilometriques")
    Procedure.objects.filter(pk=procedure.pk).update(retention_action=Procedure.RetentionAction.ANONYMISE)
    old = flow.submit(people.owner, procedure, MILEAGE)
    services.withdraw(make_request(people.owner), old)
    Submission.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=3 * 365 + 2))
    services.purge_expired()
    client = login(chain.hr)
    assert "Anonymisée" in client.get(f"{BASE}suivi/").content.decode()
    assert "Anonymisée" in client.get(f"{BASE}dossiers/{old.pk}/").content.decode()
    assert client.get(f"{BASE}dossiers/{old.pk}/recapitulatif.pdf").status_code == 200


def test_it_filters_the_requests_expiring_soon_and_exports_them(people, chain, enable, make_request, flow, login):
    procedure = enable("frais-kilometriques")
    now = timezone.now()
    subs = []
    for _ in range(3):
        sub = flow.submit(people.owner, procedure, MILEAGE)
        services.withdraw(make_request(people.owner), sub)
        subs.append(sub)
    soon, later, pending = subs[0], subs[1], flow.submit(people.owner, procedure, MILEAGE)
    Submission.objects.filter(pk=soon.pk).update(closed_at=now - timedelta(days=3 * 365 - 20))
    Submission.objects.filter(pk=later.pk).update(closed_at=now - timedelta(days=3 * 365 - 200))
    Submission.objects.filter(pk=pending.pk).update(submitted_at=now - timedelta(days=5 * 365))
    client = login(chain.hr)
    page = client.get(f"{BASE}suivi/", {"expiring": "on"}).content.decode()
    assert "Expire bientôt" in page
    assert soon.reference in page and later.reference not in page and pending.reference not in page
    export = client.get(f"{BASE}suivi/", {"expiring": "on", "format": "csv"}).content.decode()
    assert soon.reference in export and later.reference not in export and subs[2].reference not in export
    with QueryCounter() as few:
        client.get(f"{BASE}suivi/", {"expiring": "on"})
    extras = []
    for _ in range(5):
        extra = flow.submit(people.owner, procedure, MILEAGE)
        services.withdraw(make_request(people.owner), extra)
        Submission.objects.filter(pk=extra.pk).update(closed_at=now - timedelta(days=3 * 365 - 10))
        extras.append(extra)
    with QueryCounter() as many:
        page = client.get(f"{BASE}suivi/", {"expiring": "on"}).content.decode()
    # Every expiring request is listed (by its reference: « D-0000… » only while ids are below 100,
    # which on PostgreSQL depends on how many requests the tests before this one made).
    assert all(s.reference in page for s in [soon, *extras])
    assert len(many) == len(few)
    assert login(people.colleague).get(f"{BASE}suivi/", {"expiring": "on"}).status_code == 403
