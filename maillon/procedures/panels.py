"""Dashboard panels: « My procedures » (everyone) and « To approve » (approvers). Fixed query counts."""

from django.db.models import Count, Q, Window
from django.utils.translation import gettext as _

from maillon.core.prepared import prepared
from maillon.core.registry import dashboard_place

from .models import Submission
from .queries import all_assignments, queue


@prepared(organisation=-830_001, applicant=-830_002)
def _latest(organisation, applicant):
    waiting = Window(Count("pk", filter=Q(status__in=[Submission.Status.PENDING, Submission.Status.CHANGES])))
    # Only what the panel shows (issue 14: the versions' form schemas and the organisation's row were
    # two thirds of the SQL's time and most of the rows' decoding).
    return (Submission.objects.for_organisation(organisation).filter(applicant_id=applicant)
            .select_related("version").only("pk", "status", "updated_at", "version__title")
            .annotate(open_total=waiting).order_by("-updated_at")[:5])


@dashboard_place("mine", 20)
def mine_panel(request):
    """The five latest, and in the same query how many of all are waiting for a decision or for changes."""
    latest = list(_latest(organisation=request.organisation.pk, applicant=request.user.pk))
    return {"latest": latest, "open_count": latest[0].open_total if latest else 0}


APPROVER_ROLES = {"coordinator", "supervisor", "hr", "director", "equipment_manager", "communication", "reception", "admin"}


@dashboard_place("waiting", 10)
def queue_panel(request):
    assignments = all_assignments(request.membership)
    if not any(role in APPROVER_ROLES for role, _sector in assignments):
        return None
    steps = queue(request.membership, assignments)
    count = steps.count()
    # idle: nothing to decide, the dashboard does not render the panel (« rien ne vous attend »)
    return {"count": count, "first": list(steps[:5]) if count else [], "waiting": [{"count": count, "label": _("To approve")}],
            "idle": not count}
