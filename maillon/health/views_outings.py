"""The outing sheet's pages: choose children (by sector, by name), then one printable page or
its PDF. Same reading rule as the records (a child the person may not read: 404), a second
factor as for a record, and each sheet shown or printed audited with the children's ids."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.middleware import requires_mfa

from . import outings, policies
from .views import age_label, listed_pairs


def picker(request):
    """The children of the person's sectors as checkboxes, by sector then name, filtered by sector
    and name; no medical field (it needs no second factor, like the list)."""
    sectors, sector, q, pairs = listed_pairs(request)
    pairs = pairs.order_by("sector__position", "sector__name", "healthrecord__search_name", "healthrecord_id").values_list(
        "sector_id", "healthrecord_id", "healthrecord__first_name", "healthrecord__last_name", "healthrecord__birth_date",
        "healthrecord__valid_until")[:1000]
    today = timezone.localdate()
    names = {s.pk: s.name for s in sectors}
    groups: dict[int, dict] = {}
    for sector_id, pk, first, last, birth, valid_until in pairs:
        group = groups.setdefault(sector_id, {"name": names.get(sector_id, ""), "id": sector_id, "children": []})
        group["children"].append({"id": pk, "name": f"{last.upper()} {first}", "age": age_label(birth, today),
                                  "expired": valid_until < today})
    return render(request, "health/outing_picker.html", {
        "groups": list(groups.values()), "sectors": sectors, "sector": sector, "search": q,
        "title": request.GET.get("titre", "")[: outings.TITLE_LENGTH],
    })


def _chosen(request):
    """(records, title, None), or (None, title, a redirect to the picker with a French message)."""
    ids = outings.parse_ids(request.GET.getlist("enfants"))
    title = request.GET.get("titre", "").strip()[: outings.TITLE_LENGTH]
    back = reverse("health:outing", kwargs={"org": request.organisation.slug})
    if ids is None:
        raise Http404
    if not ids:
        messages.error(request, _("Choose at least one child."))
        return None, title, redirect(back + ("?" + urlencode({"titre": title}) if title else ""))
    if len(ids) > outings.MAX_CHILDREN:
        messages.error(request, _("Choose at most %(max)s children for one sheet.") % {"max": outings.MAX_CHILDREN})
        return None, title, redirect(back)
    records = outings.records_for(request.membership, ids)
    if records is None:
        raise Http404
    return records, title, None


def _sheet(request, output: str):
    """The chosen records, or a response (back to the picker); the sheet audited as ``output``."""
    if not policies.can_use(request.membership):
        raise Http404
    records, title, back = _chosen(request)
    if back is None:
        outings.audit_sheet(request, records, title=title, output=output)
    return records, title, back


@requires_mfa("health")
def sheet(request):
    records, title, back = _sheet(request, "page")
    if back is not None:
        return back
    query = urlencode([("enfants", r.pk) for r in records] + ([("titre", title)] if title else []))
    response = render(request, "health/outing_sheet.html", {
        "children": outings.children(records), "title": title, "printed": timezone.now(), "query": query,
    })
    response["Cache-Control"] = "private, no-store"
    return response


@requires_mfa("health")
def sheet_pdf(request):
    records, title, back = _sheet(request, "pdf")
    if back is not None:
        return back
    content = outings.outing_pdf(request.organisation, outings.children(records), title=title)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="fiche-de-sortie-{timezone.localdate():%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
