"""« Mon planning » on the dashboard: a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.core.registry import dashboard_place

from . import policies
from .models import Allocation, Occurrence, Resource


@dashboard_place("day", 10)
def my_planning(request):
    from .views import mine

    now = timezone.now()
    occurrences = list(
        Occurrence.objects.for_organisation(request.organisation)
        .filter(cancelled=False, end__gte=now, start__lt=now + timedelta(days=14))
        .filter(mine(request.user))
        .select_related("event")[:6]
    )
    for occurrence in occurrences:  # grouped by local day in the panel (« aujourd'hui », « demain », …)
        occurrence.day = timezone.localdate(occurrence.start)
    kinds = [k for k in Resource.Kind.values if policies.can_manage_resource(request.membership, Resource(kind=k))]
    pending = 0
    if kinds:
        pending = Allocation.objects.for_organisation(request.organisation).filter(
            status=Allocation.Status.PENDING, resource__kind__in=kinds).count()
    waiting = [{"count": pending, "label": _("Bookings to approve")}]
    return {"occurrences": occurrences, "pending_count": pending, "waiting": waiting}
