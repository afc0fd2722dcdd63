"""The organisation's audit log, for admins and the direction (read only)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .models import AuditEntry
from .policies import can_read_journal

PAGE_SIZE = 50


def journal(request):
    if not can_read_journal(request.membership):
        raise Http404
    entries = AuditEntry.objects.for_organisation(request.organisation)
    actions = list(entries.order_by("action").values_list("action", flat=True).distinct())
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/journal.html", {
        "page_obj": page,
        "actions": actions,
        "action": action,
        "query": urlencode({"action": action}) if action else "",
    })
