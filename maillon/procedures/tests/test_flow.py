"""Submissions through their approval chain: signatures, order, skips, thresholds, delegation,
no self-approval, withdrawal, changes, reminders, versioning, retention purge, leave wiring."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillon.accounts.models import Signature
from maillon.accounts.signing import verify
from maillon.audit.models import AuditEntry
from maillon.audit.services import verify_chain
from maillon.notifications.models import Notification
from maillon.procedures import services
from maillon.procedures.models import Delegation, Event, PurgeRecord, Step, Submission
from maillon.testing import TEST_PASSWORD

MILEAGE = {"trajets": [{"date": "2026-03-02", "objet": "Sortie", "km": "40", "montant": "14.00"}], "iban": "FR7630006000011234567890189"}


def waiting(submission) -> Step:
    return Step.objects.get(submission=submission, status=Step.Status.WAITING)


def test_it_runs_the_default_chain_with_a_signature_at_every_step(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    sub = flow.submit(people.owner, procedure, MILEAGE)
    assert sub.status == Submission.Status.PENDING
    assert verify(sub.signature, services.signed_content(sub)).ok
    steps = list(sub.steps.order_by("position"))
    assert [(s.role, s.status) for s in steps] == [("coordinator", "waiting"), ("hr", "planned"), ("director", "planned")]  # seed 001 §1
    assert Notification.objects.filter(recipient=chain.coordinator, title__contains="Fiche de remboursement").exists()
    assert not Notification.objects.filter(recipient=chain.other_coordinator).exists()

    flow.approve(chain.coordinator, sub)
    assert waiting(sub).role == "hr"
    assert Notification.objects.filter(recipient=chain.hr).exists()
    flow.approve(chain.hr, sub)
    assert waiting(sub).role == "director"
    flow.approve(chain.director, sub)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.APPROVED
    assert Notification.objects.filter(recipient=people.owner, title__startswith="Validée").exists()
    signatures = Signature.objects.filter(target_id=str(sub.pk))
    assert signatures.count() == 4 and all(verify(x).seal_ok for x in signatures)
    assert set(AuditEntry.objects.filter(target_id=str(sub.pk)).values_list("action", flat=True)) >= {
        "procedures.submit", "procedures.approve", "procedures.approved"}
    assert AuditEntry.objects.filter(action="signature.create", data__target_id=str(sub.pk)).count() == 4
    assert verify_chain().ok
    kinds = list(Event.objects.filter(submission=sub).values_list("kind", flat=True))
    assert kinds == ["created", "submitted", "approved", "approved", "approved", "completed"]


def test_it_adds_the_threshold_step_above_the_amount(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    # An organisation's own rule (the shipped chain has three fixed steps): the director from 500 €.
    request = make_request(chain.hr)
    services.update_procedure(request, procedure, chain={**procedure.chain, "steps": [
        {"role": "coordinator"}, {"role": "director", "min_amount": "500"}, {"role": "hr"}]})
    services.publish(request, procedure)
    procedure.refresh_from_db()
    assert [s.role for s in flow.submit(people.owner, procedure, MILEAGE).steps.all()] == ["coordinator", "hr"]
    big = {**MILEAGE, "trajets": [{"date": "2026-03-02", "objet": "Séjour", "montant": "620.00"}]}
    sub = flow.submit(people.owner, procedure, big)
    assert list(sub.steps.values_list("role", flat=True)) == ["coordinator", "director", "hr"]


def test_it_skips_the_coordinator_step_for_a_coordinator_and_nobody_approves_their_own(people, chain, enable, make_request, flow):
    procedure = enable("absence-conge")
    answers = {"leave_type": "Autorisation d'absence", "period": {"start": "2026-12-01", "start_half": "morning", "end": "2026-12-01", "end_half": "afternoon"}}
    sub = flow.submit(chain.coordinator, procedure, answers)
    steps = list(sub.steps.order_by("position"))
    assert (steps[0].role, steps[0].status, steps[0].skip_reason) == ("coordinator", "skipped", "self")
    assert waiting(sub).role == "hr"
    # HR's own request skips HR; the director still decides.
    sub2 = flow.submit(chain.hr, procedure, answers)
    assert [s.status for s in sub2.steps.order_by("position")] == ["skipped", "skipped", "waiting"]


def test_it_refuses_a_decision_from_the_wrong_person(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    sub = flow.submit(people.owner, procedure, MILEAGE)
    step = waiting(sub)
    for user in (people.owner, people.colleague, chain.other_coordinator, chain.hr, chain.director):
        with pytest.raises(PermissionDenied):
            services.decide(make_request(user), step, "approve", password=TEST_PASSWORD)
    assert waiting(sub).pk == step.pk


def test_it_needs_the_right_password_to_decide_and_records_nothing_otherwise(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    sub = flow.submit(people.owner, procedure, MILEAGE)
    with pytest.raises(ValidationError) as error:
        services.decide(make_request(chain.coordinator), waiting(sub), "approve", password="faux")
    assert "Ce mot de passe n’est pas correct" in " ".join(error.value.messages)
    assert waiting(sub).role == "coordinator"
    assert not Event.objects.filter(submission=sub, kind="approved").exists()


def test_it_lets_a_delegate_decide_during_the_absence_only(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    sub = flow.submit(people.owner, procedure, MILEAGE)
    today = timezone.localdate()
    services.add_delegation(make_request(chain.coordinator), delegate=people.other_sector, start=today, end=today + timedelta(days=3))
    step = services.decide(make_request(people.other_sector), waiting(sub), "approve", password=TEST_PASSWORD)
    assert step.on_behalf_of == chain.coordinator
    # A delegate cannot approve their own request, and an expired delegation gives nothing.
    sub2 = flow.submit(people.other_sector, procedure, MILEAGE)
    assert sub2.steps.get(position=1).sector.name == "Secteur Jeunes et Adolescents"
    Delegation.objects.update(start=today - timedelta(days=10), end=today - timedelta(days=1))
    sub3 = flow.submit(people.owner, procedure, MILEAGE)
    with pytest.raises(PermissionDenied):
        services.decide(make_request(people.other_sector), waiting(sub3), "approve", password=TEST_PASSWORD)


def test_it_refuses_a_delegation_to_oneself_or_reversed_dates(people, chain, make_request):
    today = date(2026, 5, 1)
    with pytest.raises(ValidationError) as error:
        services.add_delegation(make_request(chain.hr), delegate=chain.hr, start=today, end=today)
    assert error.value.message_dict["delegate"] == ["Choisissez une autre personne que vous-même."]
    with pytest.raises(ValidationError) as error:
        services.add_delegation(make_request(chain.hr), delegate=people.owner, start=today, end=today - timedelta(days=1))
    assert "La fin est avant le début" in error.value.message_dict["end"][0]
    with pytest.raises(ValidationError):
        services.add_delegation(make_request(chain.hr), delegate=people.outsider, start=today, end=today)


def test_it_lets_the_applicant_withdraw_before_the_first_decision_only(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    sub = flow.submit(people.owner, procedure, MILEAGE)
    with pytest.raises(PermissionDenied):
        services.withdraw(make_request(people.colleague), sub)
    services.withdraw(make_request(people.owner), sub)
    sub.refresh_from_db()
    assert sub.status == "withdrawn" and not sub.steps.filter(status__in=["waiting", "planned"]).exists()
    sub2 = flow.submit(people.owner, procedure, MILEAGE)
    flow.approve(chain.coordinator, sub2)
    with pytest.raises(PermissionDenied):
        services.withdraw(make_request(people.owner), sub2)


def test_it_asks_for_changes_and_restarts_the_chain_after_a_new_signature(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    sub = flow.submit(people.owner, procedure, MILEAGE)
    with pytest.raises(ValidationError):
        flow.approve(chain.coordinator, sub, decision="changes", comment="")
    flow.approve(chain.coordinator, sub, decision="changes", comment="Ajoutez le ticket de parking.")
    sub.refresh_from_db()
    assert sub.status == "changes"
    assert Notification.objects.filter(recipient=people.owner, body="Ajoutez le ticket de parking.").exists()
    request = make_request(people.owner)
    services.save_draft(request, procedure, {**MILEAGE, "iban": "FR7630006000011234567890189"}, sub)
    services.submit(request, sub, password=TEST_PASSWORD)
    sub.refresh_from_db()
    assert sub.round == 2 and waiting(sub).round == 2
    flow.approve(chain.coordinator, sub, decision="reject", comment="Hors budget.")
    sub.refresh_from_db()
    assert sub.status == "rejected" and sub.closed_at
    assert sub.steps.filter(round=2, status="cancelled").count() == 2  # HR and the director


def test_it_keeps_the_version_a_submission_was_made_with(people, chain, enable, make_request, flow):
    procedure = enable("acompte-salaire")
    sub = flow.submit(people.owner, procedure, {"montant": "200.00", "date_souhaitee": "2026-05-10"})
    request = make_request(chain.hr)
    services.save_field(request, procedure, {"label": "Mois concerné", "kind": "date", "required": True})
    procedure.refresh_from_db()
    assert procedure.has_unpublished_changes
    version2 = services.publish(request, procedure)
    sub.refresh_from_db()
    assert version2.number == 2 and sub.version.number == 1
    assert [f["key"] for f in sub.version.schema] == ["montant", "motif", "date_souhaitee"]
    assert [f["key"] for f in version2.schema][-1] == "mois_concerne"


def test_it_reminds_a_waiting_approver_after_the_set_days_once_per_period(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    sub = flow.submit(people.owner, procedure, MILEAGE)
    now = timezone.now()
    assert services.send_reminders(now + timedelta(days=2)) == 0
    assert services.send_reminders(now + timedelta(days=3, minutes=1)) == 1
    assert services.send_reminders(now + timedelta(days=4)) == 0
    assert Notification.objects.filter(recipient=chain.coordinator, title__startswith="Rappel").count() == 1
    assert Event.objects.filter(submission=sub, kind="reminded").count() == 1


def test_it_purges_expired_submissions_and_keeps_a_record(people, chain, enable, make_request, flow):
    procedure = enable("frais-kilometriques")
    old = flow.submit(people.owner, procedure, MILEAGE)
    services.withdraw(make_request(people.owner), old)
    recent = flow.submit(people.owner, procedure, MILEAGE)
    Submission.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=3 * 365 + 2))
    records = services.purge_expired()
    assert [r.count for r in records] == [1]
    assert not Submission.objects.filter(pk=old.pk).exists() and Submission.objects.filter(pk=recent.pk).exists()
    assert PurgeRecord.objects.get().references == [old.reference]
    assert AuditEntry.objects.filter(action="procedures.purge").exists() and verify_chain().ok
    assert services.purge_expired() == []


def test_it_moves_the_leave_balance_when_the_leave_request_is_approved(people, chain, enable, make_request, flow):
    from maillon.leave import services as leave

    procedure = enable("absence-conge")
    leave.ensure_default_types(people.org)
    paid = leave.leave_types(people.org).get(code="cp")
    membership = make_request(people.owner).membership
    leave.add_correction(membership=membership, leave_type=paid, amount=10, reason="Solde d'ouverture", actor=chain.hr)
    start = timezone.localdate() + timedelta(days=60)
    while start.weekday() != 0:
        start += timedelta(days=1)
    answers = {"leave_type": "Congés payés", "period": {"start": start.isoformat(), "start_half": "morning",
                                                        "end": (start + timedelta(days=1)).isoformat(), "end_half": "afternoon"}}
    sub = flow.submit(people.owner, procedure, answers)
    for approver in (chain.coordinator, chain.hr):
        flow.approve(approver, sub)
        assert leave.balance(membership, paid) == 10
    flow.approve(chain.director, sub)
    days = leave.count_request(membership, paid, start, "am", start + timedelta(days=1), "pm")
    assert days > 0
    assert leave.balance(membership, paid) == 10 - days
