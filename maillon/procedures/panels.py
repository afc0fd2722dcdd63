"""Dashboard panels: « My procedures » (everyone) and « To approve » (approvers). Fixed query counts."""

from .models import Submission
from .queries import all_assignments, queue


def mine_panel(request):
    qs = Submission.objects.for_organisation(request.organisation).of(request.user)
    latest = list(qs.select_related("version", "organisation").order_by("-updated_at")[:5])
    open_count = qs.filter(status__in=[Submission.Status.PENDING, Submission.Status.CHANGES]).count() if latest else 0
    return {"latest": latest, "open_count": open_count}


APPROVER_ROLES = {"coordinator", "supervisor", "hr", "director", "equipment_manager", "communication", "reception", "admin"}


def queue_panel(request):
    assignments = all_assignments(request.membership)
    if not any(role in APPROVER_ROLES for role, _sector in assignments):
        return None
    steps = queue(request.membership, assignments)
    return {"count": steps.count(), "first": list(steps[:5])}
