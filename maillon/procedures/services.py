"""Every write of the procedures app: editing and publishing procedures, drafts, signed
submissions, signed decisions, withdrawals, delegations, reminders and the retention purge."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.signing import sign, verify_password
from maillon.audit.services import record
from maillon.core.busy import retry_when_busy
from maillon.core.prepared import prepared
from maillon.notifications.services import notify

from . import booking, effects, policies
from . import schema as schema_mod
from .models import (
    DEFAULT_CHAIN,
    Delegation,
    Event,
    Procedure,
    ProcedureVersion,
    PurgeRecord,
    Step,
    Submission,
    SubmissionFile,
    SubmissionMessage,
)

# ---------------------------------------------------------------- procedures (back office)


def unique_slug(organisation, title: str, exclude_pk=None) -> str:
    base = slugify(title)[:70] or "demarche"
    slug, n = base, 2
    qs = Procedure.objects.for_organisation(organisation)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_procedure(request, *, title, description="", category=Procedure.Category.OTHER, retention_years=3,
                     effect="", schema=None, chain=None, template_key="", retention_action=Procedure.RetentionAction.DELETE,
                     audience=Procedure.Audience.INTERNAL) -> Procedure:
    procedure = Procedure.objects.create(
        organisation=request.organisation, title=title, slug=unique_slug(request.organisation, title),
        description=description, category=category, retention_years=retention_years, retention_action=retention_action, effect=effect,
        schema=schema or [], chain=chain or copy.deepcopy(DEFAULT_CHAIN), template_key=template_key, audience=audience,
    )
    record("procedures.create", actor=request.user, organisation=request.organisation, target=procedure, request=request,
           data={"template": template_key})
    return procedure


@transaction.atomic
def update_procedure(request, procedure: Procedure, **changes) -> Procedure:
    for name, value in changes.items():
        setattr(procedure, name, value)
    procedure.has_unpublished_changes = True
    procedure.save()
    record("procedures.update", actor=request.user, organisation=procedure.organisation, target=procedure, request=request,
           data={"changed": sorted(changes)})
    return procedure


def save_field(request, procedure: Procedure, spec: dict, original_key: str | None = None) -> Procedure:
    fields = list(procedure.schema)
    taken = {f["key"] for f in fields if f["key"] != original_key}
    if original_key is None:
        spec["key"] = schema_mod.make_key(spec["label"], taken)
        fields.append(spec)
    else:
        spec["key"] = original_key
        fields = [spec if f["key"] == original_key else f for f in fields]
    return update_procedure(request, procedure, schema=fields)


def move_field(request, procedure: Procedure, key: str, offset: int) -> Procedure:
    fields = list(procedure.schema)
    index = next((i for i, f in enumerate(fields) if f["key"] == key), None)
    if index is None or not 0 <= index + offset < len(fields):
        return procedure
    fields[index], fields[index + offset] = fields[index + offset], fields[index]
    return update_procedure(request, procedure, schema=fields)


def delete_field(request, procedure: Procedure, key: str) -> Procedure:
    fields = [f for f in procedure.schema if f["key"] != key]
    for f in fields:  # rules pointing to the removed field would never match
        if (f.get("show_if") or {}).get("field") == key:
            f.pop("show_if")
    changes = {"schema": fields}
    if (procedure.chain or {}).get("amount_field") == key:  # thresholds fall back to the first amount
        changes["chain"] = {**procedure.chain, "amount_field": ""}
    return update_procedure(request, procedure, **changes)


@transaction.atomic
def publish(request, procedure: Procedure) -> ProcedureVersion:
    problems = schema_mod.check_schema(procedure.schema)
    if problems:
        raise ValidationError(problems)
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()  # one publication at a time
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProcedureVersion.objects.create(
        organisation=procedure.organisation, procedure=procedure, number=number, title=procedure.title,
        description=procedure.description, schema=copy.deepcopy(procedure.schema), chain=copy.deepcopy(procedure.chain),
        effect=procedure.effect, published_by=request.user,
    )
    procedure.current_version = version
    procedure.status = Procedure.Status.PUBLISHED
    procedure.has_unpublished_changes = False
    procedure.save(update_fields=["current_version", "status", "has_unpublished_changes", "updated_at"])
    record("procedures.publish", actor=request.user, organisation=procedure.organisation, target=procedure, request=request,
           data={"version": number})
    return version


@transaction.atomic
def retire(request, procedure: Procedure) -> Procedure:
    procedure.status = Procedure.Status.RETIRED
    procedure.save(update_fields=["status", "updated_at"])
    record("procedures.retire", actor=request.user, organisation=procedure.organisation, target=procedure, request=request)
    return procedure


def enable_template(request, key: str, *, publish_now: bool = True) -> Procedure:
    from .municipal import all_templates

    template = all_templates()[key]
    existing = Procedure.objects.for_organisation(request.organisation).filter(template_key=key).first()
    if existing:
        return existing
    with transaction.atomic():
        procedure = create_procedure(
            request, title=template["title"], description=template["description"], category=template["category"],
            retention_years=template.get("retention_years", 3), effect=template.get("effect", ""),
            retention_action=template.get("retention_action", Procedure.RetentionAction.DELETE),
            schema=copy.deepcopy(template["fields"]), chain=copy.deepcopy(template.get("chain") or DEFAULT_CHAIN), template_key=key,
            audience=template.get("audience", Procedure.Audience.INTERNAL),
        )
        if publish_now:
            publish(request, procedure)
    return procedure


# ---------------------------------------------------------------- drafts and submissions


def _store_answers(submission: Submission, answers: dict) -> dict:
    """Save uploads as SubmissionFile rows; the answers keep their id, name and size."""
    stored = {}
    for key, value in answers.items():
        if isinstance(value, dict) and "upload" in value:
            upload = value["upload"]
            row = SubmissionFile.objects.create(organisation=submission.organisation, submission=submission, field_key=key,
                                                file=upload, name=upload.name[:200], size=upload.size)
            value = {"id": row.pk, "name": row.name, "size": row.size}
        stored[key] = value
    return stored


def _new_draft(membership, procedure: Procedure, *, user, organisation, request=None, data=None) -> Submission:
    submission = Submission.objects.create(
        organisation=organisation, procedure=procedure, version=procedure.current_version,
        applicant=user, sector_id=membership.sector_id, status=Submission.Status.DRAFT,
    )
    Event.objects.create(organisation=organisation, submission=submission, kind=Event.Kind.CREATED, actor=user)
    record("procedures.draft", actor=user, organisation=organisation, target=submission, request=request, data=data)
    return submission


@transaction.atomic
def open_prefilled_draft(membership, procedure: Procedure, answers: dict, *, origin: dict | None = None) -> Submission:
    """A draft of ``membership``'s person opened by another app (a vehicle booking), with answers
    already filled in; the person completes, signs and sends it."""
    submission = _new_draft(membership, procedure, user=membership.user, organisation=procedure.organisation,
                            data={"prefilled_by": origin or {}})
    submission.data = answers
    submission.amount = schema_mod.amount_of(submission.version.schema, answers, (submission.version.chain or {}).get("amount_field"))
    submission.save(update_fields=["data", "amount", "updated_at"])
    return submission


@transaction.atomic
def save_draft(request, procedure: Procedure, answers: dict, submission: Submission | None = None) -> Submission:
    if submission is None:
        submission = _new_draft(request.membership, procedure, user=request.user, organisation=request.organisation, request=request)
    elif not policies.can_edit(request.user.pk, submission.applicant_id, submission.status):
        raise PermissionDenied
    submission.data = _store_answers(submission, answers)
    submission.amount = schema_mod.amount_of(submission.version.schema, submission.data, (submission.version.chain or {}).get("amount_field"))
    submission.save(update_fields=["data", "amount", "updated_at"])
    return submission


def signed_content(submission: Submission) -> dict:
    return {
        "submission": submission.reference, "organisation": submission.organisation.slug,
        "procedure": submission.version.title, "version": submission.version.number,
        "applicant": submission.applicant_id, "answers": submission.data, "round": submission.round,
    }


def _org_assignments(organisation, exclude_user_id) -> list[tuple[str, int | None]]:
    return list(
        RoleAssignment.objects.filter(membership__organisation=organisation, membership__is_active=True, membership__user__is_active=True)
        .exclude(membership__user_id=exclude_user_id).values_list("role", "sector_id")
    )


def approvers_for(step: Step):
    """Users who hold the step's role (in its sector) in the organisation, plus their active delegates.
    Never the applicant. One query (the holders and the delegations are subqueries)."""
    from maillon.accounts.models import User

    assignments = RoleAssignment.objects.filter(
        membership__organisation_id=step.organisation_id, membership__is_active=True, role=step.role,
    )
    if step.sector_id:
        assignments = assignments.filter(sector_id=step.sector_id)
    holders = assignments.values("membership__user_id")
    delegates = (Delegation.objects.filter(organisation_id=step.organisation_id, delegator_id__in=holders)
                 .active_on(timezone.localdate()).values("delegate_id"))
    users = User.objects.filter(Q(pk__in=holders) | Q(pk__in=delegates), is_active=True)
    applicant_id = step.submission.applicant_id
    return users.exclude(pk=applicant_id) if applicant_id is not None else users


def submit(request, submission: Submission, *, password: str | None) -> Submission:
    """Sign and send: re-authentication, then the approval chain starts. The password is checked
    before the transaction (Argon2 must not hold the database's write lock: signing.verify_password)."""
    if password:
        verify_password(request, password)
    return retry_when_busy(_submit)(request, submission, password=password)


@transaction.atomic
def _submit(request, submission: Submission, *, password: str | None) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not policies.can_edit(request.user.pk, submission.applicant_id, submission.status):
        raise PermissionDenied
    if submission.status == Submission.Status.CHANGES and submission.version_id != submission.procedure.current_version_id and submission.procedure.current_version_id:
        pass  # keeps its version: the person answered the questions of that version
    submission.round += 1
    effects.on_submitted(submission, request.membership)  # a leave request: its days held, the balance checked under a lock
    signature = sign(request, content=signed_content(submission), purpose="procedures.submit", target=submission, password=password)
    return start_chain(submission, actor=request.user, applicant_assignments=policies.assignments_of(request.membership),
                       signature=signature, request=request)


def start_chain(submission: Submission, *, actor, applicant_assignments, signature=None, request=None, citizen=None) -> Submission:
    """What every submission does once sent (a member's signed one, or a citizen's public request):
    pending, the SUBMITTED event, the steps of this round planned from the version's chain, the
    first one opened. The caller holds the submission's row lock and has raised ``round``.
    A citizen's request never goes through without a person: when no step of its chain has
    anyone to hold it, the commune's administrators decide."""
    from maillon.accounts.roles import Role

    now = timezone.now()
    submission.status = Submission.Status.PENDING
    submission.signature = signature
    submission.submitted_at = now
    submission.save(update_fields=["status", "signature", "submitted_at", "round", "updated_at"])
    Event.objects.create(organisation=submission.organisation, submission=submission, kind=Event.Kind.SUBMITTED, actor=actor,
                         signature=signature)
    planned = policies.plan_chain(
        submission.version.chain or {}, applicant_assignments, submission.sector_id, submission.amount,
        holders=_org_assignments(submission.organisation, submission.applicant_id),
    )
    if citizen is not None and all(p.skip_reason for p in planned):
        planned.append(policies.PlannedStep(Role.ADMIN, None, "", ""))
    steps = [
        Step.objects.create(
            organisation=submission.organisation, submission=submission, round=submission.round, position=position,
            role=plan.role, sector_id=plan.sector_id, label=plan.label[:120],
            status=Step.Status.SKIPPED if plan.skip_reason else Step.Status.PLANNED, skip_reason=plan.skip_reason,
        )
        for position, plan in enumerate(planned, start=1)
    ]
    data = {"round": submission.round, "steps": [p.role for p in planned if not p.skip_reason]}
    if signature is not None:
        data["signature"] = signature.code
    if citizen is not None:
        data["citizen"] = citizen.pk
    record("procedures.submit", actor=actor, organisation=submission.organisation, target=submission, request=request, data=data)
    _advance(submission, actor=actor, round_steps=steps)
    return submission


def _advance(submission: Submission, *, actor, round_steps: list[Step] | None = None) -> None:
    """Open the next planned step of the current round, or close the submission as approved.
    ``round_steps``: the steps of the current round when the caller already holds them (locked)."""
    if round_steps is None:
        next_step = submission.steps.filter(round=submission.round, status=Step.Status.PLANNED).order_by("position").first()
    else:
        next_step = min((st for st in round_steps if st.status == Step.Status.PLANNED), key=lambda st: st.position, default=None)
    if next_step is None:
        _complete(submission, actor=actor)
        return
    next_step.status = Step.Status.WAITING
    next_step.activated_at = timezone.now()
    next_step.save(update_fields=["status", "activated_at"])
    recipients = list(approvers_for(next_step))
    title = _("To approve: %(procedure)s from %(person)s") % {"procedure": submission.version.title, "person": submission.applicant_label}
    url = submission.get_absolute_url()

    def send():
        for user in recipients:
            notify(user, title, url=url, organisation=submission.organisation, kind="procedures.approval")

    transaction.on_commit(send)


def _complete(submission: Submission, *, actor) -> None:
    submission.status = Submission.Status.APPROVED
    submission.closed_at = timezone.now()
    submission.save(update_fields=["status", "closed_at", "updated_at"])
    Event.objects.create(organisation=submission.organisation, submission=submission, kind=Event.Kind.COMPLETED, actor=actor)
    effects.on_approved(submission, actor=actor)
    booking.settle(submission, approved=True, actor=actor)
    record("procedures.approved", actor=actor, organisation=submission.organisation, target=submission)
    if submission.citizen_id:
        from . import services_public

        services_public.tell_citizen_status(submission)
        return
    applicant, title, url = submission.applicant, _("Approved: %(procedure)s") % {"procedure": submission.version.title}, submission.get_absolute_url()
    transaction.on_commit(lambda: notify(applicant, title, url=url, organisation=submission.organisation, kind="procedures.decision"))


@prepared(organisation=-830_101, delegate=-830_102, day=date(1901, 2, 3))
def _delegator_ids(organisation, delegate, day):
    """Who delegated to ``delegate`` on ``day`` (every dashboard asks: compiled once, core.prepared)."""
    return Delegation.objects.for_organisation(organisation).filter(delegate_id=delegate).active_on(day).values_list("delegator_id", flat=True)


def delegated_assignments(organisation, user, day: date | None = None) -> list[list[tuple[str, int | None]]]:
    """The assignments of everyone who delegated to ``user`` (a user or its id) for ``day`` (one query)."""
    day = day or timezone.localdate()
    delegator_ids = list(_delegator_ids(organisation=getattr(organisation, "pk", organisation), delegate=getattr(user, "pk", user), day=day))
    if not delegator_ids:
        return []
    rows = RoleAssignment.objects.filter(membership__organisation=organisation, membership__is_active=True,
                                         membership__user_id__in=delegator_ids).values_list("membership__user_id", "role", "sector_id")
    by_user: dict[int, list] = {}
    for user_id, role, sector_id in rows:
        by_user.setdefault(user_id, []).append((role, sector_id))
    return list(by_user.values())


def delegated_to(membership) -> list[list[tuple[str, int | None]]]:
    """``delegated_assignments`` of this membership for today, computed once per request (kept on the membership)."""
    today = timezone.localdate()
    cached = getattr(membership, "_procedures_delegated", None)
    if cached is None or cached[0] != today:
        cached = (today, delegated_assignments(membership.organisation, membership.user_id, today))
        membership._procedures_delegated = cached
    return cached[1]


def _lazy_delegated(membership):
    """``delegated_to(membership)``, read only if someone iterates it (the own roles come first)."""
    yield from delegated_to(membership)


def user_can_decide(membership, step: Step, delegated=None) -> bool:
    if step.status != Step.Status.WAITING:
        return False
    if delegated is None:
        delegated = _lazy_delegated(membership)
    return policies.can_decide(membership.user_id, step.submission.applicant_id, step.role, step.sector_id,
                               policies.assignments_of(membership), delegated)


DECISIONS = {"approve": Step.Status.APPROVED, "reject": Step.Status.REJECTED, "changes": Step.Status.CHANGES}


def decide(request, step: Step, decision: str, *, comment: str = "", password: str | None) -> Step:
    """Approve, reject or ask for changes, signed. Only the step's approver (or their delegate).
    The password is checked before the transaction, as for ``submit``."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose a decision.")})
    if decision in ("reject", "changes") and not comment.strip():
        raise ValidationError({"comment": _("Explain your decision in a comment.")})
    if password:
        verify_password(request, password)
    return retry_when_busy(_decide)(request, step, decision, comment=comment, password=password)


@transaction.atomic
def _decide(request, step: Step, decision: str, *, comment: str, password: str | None) -> Step:
    # One locked read: the step, its submission and the other steps of the current round (the next one to open).
    rows = list(Step.objects.select_for_update(of=("self", "submission"))
                .select_related("submission__version", "submission__applicant", "submission__organisation", "sector")
                .filter(Q(pk=step.pk) | Q(submission_id=step.submission_id, round=F("submission__round"))))
    step = next((row for row in rows if row.pk == step.pk), None)
    if step is None:
        raise Step.DoesNotExist
    submission = step.submission
    round_steps = [row for row in rows if row.round == submission.round]
    for row in round_steps:
        row.submission = submission
    if not user_can_decide(request.membership, step):
        raise PermissionDenied
    if decision == "approve":
        effects.before_approval(submission)  # a leave request: the applicant's leave lock, taken before the audit log's
    content = {**signed_content(submission), "step": step.position, "role": step.role, "decision": decision, "comment": comment}
    signature = sign(request, content=content, purpose=f"procedures.{decision}", target=submission, password=password)
    now = timezone.now()
    on_behalf = None
    if not policies.holds_step(policies.assignments_of(request.membership), step.role, step.sector_id):
        on_behalf = _delegator_for(step, request.user)
    step.status = DECISIONS[decision]
    step.decided_at, step.decided_by, step.comment, step.signature, step.on_behalf_of = now, request.user, comment, signature, on_behalf
    step.save()
    kind = {"approve": Event.Kind.APPROVED, "reject": Event.Kind.REJECTED, "changes": Event.Kind.CHANGES}[decision]
    Event.objects.create(organisation=submission.organisation, submission=submission, kind=kind, actor=request.user, step=step,
                         comment=comment, signature=signature)
    record(f"procedures.{decision}", actor=request.user, organisation=submission.organisation, target=submission, request=request,
           data={"step": step.position, "role": step.role, "signature": signature.code, "on_behalf_of": on_behalf.pk if on_behalf else None})
    if decision == "approve":
        _advance(submission, actor=request.user, round_steps=round_steps)
        if submission.status != Submission.Status.APPROVED and submission.applicant_id:
            applicant = submission.applicant
            title = _("%(procedure)s: step « %(step)s » approved") % {"procedure": submission.version.title, "step": step.title}
            transaction.on_commit(lambda: notify(applicant, title, url=submission.get_absolute_url(), organisation=submission.organisation,
                                                 kind="procedures.step"))
        return step
    submission.status = Submission.Status.REJECTED if decision == "reject" else Submission.Status.CHANGES
    if decision == "reject":
        submission.closed_at = now
    submission.save(update_fields=["status", "closed_at", "updated_at"])
    submission.steps.filter(round=submission.round, status=Step.Status.PLANNED).update(status=Step.Status.CANCELLED)
    effects.on_closed(submission)
    if decision == "reject":
        booking.settle(submission, approved=False, actor=request.user)
    if submission.citizen_id:
        from . import services_public

        services_public.tell_citizen_status(submission, comment=comment)
        return step
    applicant = submission.applicant
    title = (_("Rejected: %(procedure)s") if decision == "reject" else _("Changes requested: %(procedure)s")) % {"procedure": submission.version.title}
    transaction.on_commit(lambda: notify(applicant, title, body=comment, url=submission.get_absolute_url(), organisation=submission.organisation,
                                         kind="procedures.decision"))
    return step


def _delegator_for(step: Step, delegate):
    from maillon.accounts.models import User

    holder_ids = RoleAssignment.objects.filter(membership__organisation_id=step.organisation_id, role=step.role)
    if step.sector_id:
        holder_ids = holder_ids.filter(sector_id=step.sector_id)
    delegation = Delegation.objects.filter(organisation_id=step.organisation_id, delegate=delegate,
                                           delegator_id__in=holder_ids.values("membership__user_id")).active_on(timezone.localdate()).first()
    return User.objects.filter(pk=delegation.delegator_id).first() if delegation else None


@transaction.atomic
def withdraw(request, submission: Submission) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    decided = submission.steps.filter(round=submission.round, status__in=[Step.Status.APPROVED, Step.Status.REJECTED]).count()
    if not policies.can_withdraw(request.user.pk, submission.applicant_id, submission.status, decided):
        raise PermissionDenied
    close_withdrawn(submission, actor=request.user, request=request)
    return submission


def close_withdrawn(submission: Submission, *, actor, request=None, data=None) -> None:
    """Withdraw a locked submission: its open steps cancelled, the timeline and the audit told."""
    submission.status = Submission.Status.WITHDRAWN
    submission.closed_at = timezone.now()
    submission.save(update_fields=["status", "closed_at", "updated_at"])
    submission.steps.filter(round=submission.round, status__in=[Step.Status.PLANNED, Step.Status.WAITING]).update(status=Step.Status.CANCELLED)
    Event.objects.create(organisation=submission.organisation, submission=submission, kind=Event.Kind.WITHDRAWN, actor=actor)
    effects.on_closed(submission)
    booking.settle(submission, approved=False, actor=actor)
    record("procedures.withdraw", actor=actor, organisation=submission.organisation, target=submission, request=request, data=data)


def can_cancel(membership, submission: Submission, today: date | None = None) -> bool:
    return policies.can_cancel(membership.user_id, submission.applicant_id, submission.status, effects.leave_start(submission),
                               today or timezone.localdate(), policies.can_oversee(membership))


@transaction.atomic
def cancel_approved(request, submission: Submission, *, reason: str = "") -> Submission:
    """Cancel an approved leave request: the ledger is credited back, the applicant and the
    approvers are notified, the cancellation is audited and shown in the timeline."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related("version", "applicant", "organisation").get(pk=submission.pk)
    if not can_cancel(request.membership, submission):
        raise PermissionDenied
    submission.status = Submission.Status.CANCELLED
    submission.closed_at = timezone.now()
    submission.save(update_fields=["status", "closed_at", "updated_at"])
    Event.objects.create(organisation=submission.organisation, submission=submission, kind=Event.Kind.CANCELLED, actor=request.user,
                         comment=reason.strip())
    effects.on_cancelled(submission, actor=request.user)
    record("procedures.cancel", actor=request.user, organisation=submission.organisation, target=submission, request=request,
           data={"reason": reason.strip(), "by_applicant": request.user.pk == submission.applicant_id})
    from maillon.accounts.models import User

    deciders = set(submission.steps.filter(decided_by__isnull=False).values_list("decided_by_id", flat=True))
    recipients = list(User.objects.filter(pk__in=(deciders | {submission.applicant_id}) - {request.user.pk}))
    title = _("Cancelled: %(procedure)s from %(person)s") % {"procedure": submission.version.title, "person": submission.applicant}
    url, organisation = submission.get_absolute_url(), submission.organisation

    def send():
        for user in recipients:
            notify(user, title, body=reason.strip(), url=url, organisation=organisation, kind="procedures.decision")

    transaction.on_commit(send)
    return submission


@transaction.atomic
def delete_draft(request, submission: Submission) -> None:
    if submission.applicant_id != request.user.pk or submission.status != Submission.Status.DRAFT:
        raise PermissionDenied
    record("procedures.delete_draft", actor=request.user, organisation=submission.organisation, target=submission, request=request)
    booking.settle(submission, approved=False, actor=request.user)
    for row in submission.files.all():
        row.file.delete(save=False)
    submission.delete()


# ---------------------------------------------------------------- delegations


@transaction.atomic
def add_delegation(request, *, delegate, start: date, end: date) -> Delegation:
    if end < start:
        raise ValidationError({"end": _("The end comes before the start: check the dates.")})
    if delegate.pk == request.user.pk:
        raise ValidationError({"delegate": _("Choose someone other than yourself.")})
    if not Membership.objects.for_organisation(request.organisation).active().filter(user=delegate).exists():
        raise ValidationError({"delegate": _("This person is not a member of the organisation.")})
    delegation = Delegation.objects.create(organisation=request.organisation, delegator=request.user, delegate=delegate, start=start, end=end)
    record("procedures.delegate", actor=request.user, organisation=request.organisation, target=delegation, request=request,
           data={"delegate": delegate.pk, "start": start.isoformat(), "end": end.isoformat()})
    title = _("%(person)s asks you to approve procedures in their place from %(start)s to %(end)s") % {
        "person": request.user, "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
    transaction.on_commit(lambda: notify(delegate, title, organisation=request.organisation, kind="procedures.approval"))
    return delegation


@transaction.atomic
def remove_delegation(request, delegation: Delegation) -> None:
    if delegation.delegator_id != request.user.pk:
        raise PermissionDenied
    record("procedures.undelegate", actor=request.user, organisation=request.organisation, target=delegation, request=request)
    delegation.delete()


# ---------------------------------------------------------------- periodic jobs


def send_reminders(now=None) -> int:
    """Remind the approvers of every step waiting longer than its procedure's ``reminder_days``
    (again every ``reminder_days`` while it waits). Returns how many steps were reminded."""
    now = now or timezone.now()
    count = 0
    waiting = Step.objects.waiting().select_related("submission__version", "submission__applicant", "submission__organisation")
    for step in waiting.iterator():
        days = int((step.submission.version.chain or {}).get("reminder_days") or 0)
        if days <= 0:
            continue
        since = step.reminded_at or step.activated_at
        if since is None or now - since < timedelta(days=days):
            continue
        with transaction.atomic():
            step.reminded_at = now
            step.save(update_fields=["reminded_at"])
            Event.objects.create(organisation=step.organisation, submission=step.submission, kind=Event.Kind.REMINDED, step=step, at=now)
            title = _("Reminder: %(procedure)s from %(person)s is waiting for your decision") % {
                "procedure": step.submission.version.title, "person": step.submission.applicant}
            for user in approvers_for(step):
                notify(user, title, url=step.submission.get_absolute_url(), organisation=step.organisation, kind="procedures.approval")
        count += 1
    return count


CLOSED = [Submission.Status.APPROVED, Submission.Status.REJECTED, Submission.Status.WITHDRAWN, Submission.Status.CANCELLED]


def retention_cutoff(retention_years: int, now=None):
    now = now or timezone.now()
    return now - timedelta(days=365 * retention_years + retention_years // 4)


def expired(procedure: Procedure, now=None):
    """Submissions of ``procedure`` past its retention: closed (or a draft untouched) more than N years ago.
    Already anonymised ones are not expired again."""
    cutoff = retention_cutoff(procedure.retention_years, now)
    qs = Submission.objects.filter(procedure=procedure, anonymised_at__isnull=True)
    return cutoff, qs.filter(Q(status__in=CLOSED, closed_at__lt=cutoff) | Q(status=Submission.Status.DRAFT, updated_at__lt=cutoff))


EXPIRING_DAYS = 60


def expiring_soon(qs, organisation, days: int = EXPIRING_DAYS, now=None):
    """Closed submissions of ``qs`` the retention job will purge within ``days`` (not yet purged):
    what HR exports before the purge. One condition per retention length in use."""
    now = now or timezone.now()
    lengths = Procedure.objects.for_organisation(organisation).values_list("retention_years", flat=True).distinct()
    match = Q(pk__in=[])
    for years in set(lengths):
        match |= Q(procedure__retention_years=years, closed_at__lt=retention_cutoff(years, now + timedelta(days=days)))
    return qs.filter(match, status__in=CLOSED, anonymised_at__isnull=True)


def _anonymise(rows: list[int], now) -> None:
    """Keep the figures (procedure, version, status, sector, amount, dates, who decided) and remove
    the person: applicant, answers, files, comments."""
    Submission.objects.filter(pk__in=rows).update(applicant=None, citizen=None, data={}, anonymised_at=now)
    for message in SubmissionMessage.objects.filter(submission_id__in=rows).exclude(attachment=""):
        message.attachment.delete(save=False)
    SubmissionMessage.objects.filter(submission_id__in=rows).update(body="", attachment="", attachment_name="", author=None)
    Step.objects.filter(submission_id__in=rows).update(comment="")
    Event.objects.filter(submission_id__in=rows).update(comment="")
    Event.objects.filter(submission_id__in=rows, kind__in=[Event.Kind.CREATED, Event.Kind.SUBMITTED, Event.Kind.WITHDRAWN]).update(actor=None)
    SubmissionFile.objects.filter(submission_id__in=rows).delete()


def purge_expired(now=None) -> list[PurgeRecord]:
    """Delete, or anonymise when the procedure says so, expired submissions; keep a PurgeRecord per
    procedure. Signatures stay (they hold only a hash of the content)."""
    now = now or timezone.now()
    records = []
    for procedure in Procedure.objects.all().select_related("organisation"):
        cutoff, qs = expired(procedure, now)
        rows = list(qs.values_list("pk", flat=True))
        if not rows:
            continue
        action = procedure.retention_action or Procedure.RetentionAction.DELETE
        with transaction.atomic():
            for row in SubmissionFile.objects.filter(submission_id__in=rows):
                row.file.delete(save=False)
            if action != Procedure.RetentionAction.ANONYMISE:
                for message in SubmissionMessage.objects.filter(submission_id__in=rows).exclude(attachment=""):
                    message.attachment.delete(save=False)
            references = [f"D-{pk:06d}" for pk in rows]
            if action == Procedure.RetentionAction.ANONYMISE:
                _anonymise(rows, now)
            else:
                Submission.objects.filter(pk__in=rows).delete()
            purge = PurgeRecord.objects.create(organisation=procedure.organisation, procedure=procedure, procedure_title=procedure.title,
                                               purged_at=now, cutoff=cutoff, count=len(rows), references=references, action=action)
            record("procedures.purge", organisation=procedure.organisation, target=procedure,
                   data={"count": len(rows), "cutoff": cutoff.isoformat(), "references": references, "action": action})
        records.append(purge)
    return records


@dataclass
class Abilities:
    edit: bool = False
    submit: bool = False
    withdraw: bool = False
    decide: bool = False
    oversee: bool = False
    delete: bool = False
