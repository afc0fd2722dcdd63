"""The staff's moderation queue (``/<org>/moderation/``): what citizens wrote to the commune and
nobody published yet, oldest first; « Publier » or « Refuser » (with an optional reason)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.organisations.models import Organisation

from . import moderation, policies
from .forms import RefuseForm


def _guard(request) -> None:
    """404 outside a commune that has a moderated service enabled, 403 for a member who may not moderate."""
    organisation = request.organisation
    if organisation.kind != Organisation.Kind.COMMUNE or not policies.moderated_services(organisation):
        raise Http404
    if not policies.is_moderator(request.membership):
        raise PermissionDenied


def queue(request):
    _guard(request)
    rows, page = moderation.queue(request.organisation, request.GET.get("page"))
    return render(request, "citizens/moderation.html", {"rows": rows, "page_obj": page, "refuse_form": RefuseForm()})


@require_POST
def act(request, kind: str, pk: int, action: str):
    _guard(request)
    if action not in ("publier", "refuser"):
        raise Http404
    found_kind, item = moderation.item_or_404(request.organisation, kind, pk)
    note = ""
    if action == "refuser":
        form = RefuseForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The reason is too long (300 characters at most)."))
            return redirect("citizens:moderation", org=request.organisation.slug)
        note = form.cleaned_data["note"]
    done = moderation.moderate(request.membership, found_kind, item, publish=action == "publier", note=note, request=request)
    if not done:
        messages.info(request, _("This contribution was already moderated."))
    elif action == "publier":
        messages.success(request, _("Published."))
    else:
        messages.success(request, _("Refused: it will not be published."))
    page = request.POST.get("page")
    url = redirect("citizens:moderation", org=request.organisation.slug).url
    return redirect(f"{url}?page={page}" if page and page.isdigit() else url)
