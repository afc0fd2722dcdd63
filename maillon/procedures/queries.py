"""Read-side helpers shared by views, panels and the API: scoped querysets, the approval queue,
visibility of a submission, the timeline."""

from __future__ import annotations

from django.db.models import Q

from maillon.accounts.roles import SECTOR_ROLES

from . import policies
from .models import Event, Procedure, Step, Submission
from .services import delegated_to


def published(organisation):
    """The procedures the organisation's members fill in (public forms are for citizens: views_public)."""
    return Procedure.objects.for_organisation(organisation).filter(status=Procedure.Status.PUBLISHED, current_version__isnull=False,
                                                                   audience=Procedure.Audience.INTERNAL)


def submissions(organisation):
    return Submission.objects.for_organisation(organisation).select_related("version", "applicant", "citizen", "sector", "organisation")


def _step_q(assignments) -> Q | None:
    query = None
    for role, sector_id in assignments:
        if role in SECTOR_ROLES and sector_id is not None:
            part = Q(role=role, sector_id=sector_id) | Q(role=role, sector__isnull=True)
        else:
            part = Q(role=role)
        query = part if query is None else query | part
    return query


def all_assignments(membership) -> list:
    own = policies.assignments_of(membership)
    delegated = delegated_to(membership)
    return own + [a for group in delegated for a in group]


def queue(membership, assignments=None):
    """Waiting steps this person may decide (own roles or as a delegate), never on their own submissions."""
    assignments = all_assignments(membership) if assignments is None else assignments
    query = _step_q(assignments)
    steps = Step.objects.for_organisation(membership.organisation).waiting()
    if query is None:
        return steps.none()
    return (steps.filter(query).exclude(submission__applicant_id=membership.user_id)
            .select_related("submission__version", "submission__applicant", "submission__citizen", "submission__sector",
                            "submission__organisation", "sector")
            .order_by("activated_at", "pk"))


def can_view(membership, submission: Submission, assignments=None) -> bool:
    """The applicant, HR and the director, and whoever holds one of its steps (own roles or as a
    delegate). Without ``assignments`` the delegations are read only when the own roles do not suffice."""
    if submission.applicant_id == membership.user_id or policies.can_oversee(membership):
        return True
    steps = list(submission.steps.all())
    if assignments is None:
        own = policies.assignments_of(membership)
        if any(policies.holds_step(own, step.role, step.sector_id) for step in steps):
            return True
        assignments = [a for group in delegated_to(membership) for a in group]
    return any(policies.holds_step(assignments, step.role, step.sector_id) for step in steps)


def timeline(submission: Submission) -> list[dict]:
    """Everything that happened, then the steps still to come."""
    items = []
    for event in Event.objects.filter(submission=submission).select_related("actor", "step__sector", "signature"):
        items.append({"kind": event.kind, "label": event.get_kind_display(), "at": event.at, "actor": event.actor,
                      "step": event.step, "comment": event.comment, "signature": event.signature, "done": True})
    for step in submission.steps.all():
        if step.round != submission.round:
            continue
        if step.status in (Step.Status.WAITING, Step.Status.PLANNED):
            items.append({"kind": step.status, "label": step.get_status_display(), "step": step, "done": False})
        elif step.status == Step.Status.SKIPPED:
            items.append({"kind": "skipped", "label": step.get_status_display(), "step": step, "done": True, "at": None})
    return items
