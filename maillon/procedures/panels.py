"""Dashboard panels: « My procedures » (everyone) and « To approve » (approvers). Fixed query counts."""

from django.db.models import Count, Q, Window

from .models import Submission
from .queries import all_assignments, queue


def mine_panel(request):
    """The five latest, and in the same query how many of all are waiting for a decision or for changes."""
    qs = Submission.objects.for_organisation(request.organisation).of(request.user)
    waiting = Window(Count("pk", filter=Q(status__in=[Submission.Status.PENDING, Submission.Status.CHANGES])))
    latest = list(qs.select_related("version", "organisation").annotate(open_total=waiting).order_by("-updated_at")[:5])
    return {"latest": latest, "open_count": latest[0].open_total if latest else 0}


APPROVER_ROLES = {"coordinator", "supervisor", "hr", "director", "equipment_manager", "communication", "reception", "admin"}


def queue_panel(request):
    assignments = all_assignments(request.membership)
    if not any(role in APPROVER_ROLES for role, _sector in assignments):
        return None
    steps = queue(request.membership, assignments)
    return {"count": steps.count(), "first": list(steps[:5])}
