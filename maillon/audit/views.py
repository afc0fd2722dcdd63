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
    # One object's entries (« who read this health record »): ?target=<app.model>:<id>.
    target = request.GET.get("target", "")
    target_type, _sep, target_id = target.partition(":")
    if target_type and target_id:
        entries = entries.filter(target_type=target_type[:100], target_id=target_id[:64])
    else:
        target = ""
    page = Paginator(entries.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/journal.html", {
        "page_obj": page,
        "actions": actions,
        "action": action,
        "target": target,
        "target_label": page.object_list[0].target_label if target and page.object_list else "",
        "query": urlencode({k: v for k, v in {"action": action, "target": target}.items() if v}),
    })
