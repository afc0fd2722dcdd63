"""Health records pages: the list (names only), the record (every read audited), the form and
the documents. Anyone who may not read a record gets a 404, as for another organisation."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.accounts.middleware import requires_mfa
from maillon.core.forms import apply_errors
from maillon.core.reversing import row_url
from maillon.organisations.models import Sector

from . import policies, services
from .forms import ContactFormSet, RecordForm
from .models import DocumentKind, HealthDocument, HealthRecord, search_words

PAGE_SIZE = 100


def _readable_sectors(membership, sectors):
    if policies.reads_every_record(membership):
        return sectors
    ids = policies.reading_sector_ids(membership)
    return [s for s in sectors if s.pk in ids]


def age_label(birth, today) -> str:
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return ngettext("%(n)s year old", "%(n)s years old", age) % {"n": age}


def listed_pairs(request):
    """(readable sectors, chosen sector, search, (sector, record) pairs filtered by them): what the
    list and the outing sheet's picker show. 404 for someone who may read no record."""
    membership = request.membership
    if not policies.can_use(membership):
        raise Http404
    org = request.organisation
    sectors = _readable_sectors(membership, list(Sector.objects.for_organisation(org)))
    shown = sectors
    sector = request.GET.get("secteur", "")
    if sector.isdigit():
        shown = [s for s in sectors if s.pk == int(sector)]
    pairs = HealthRecord.sectors.through.objects.filter(sector_id__in=[s.pk for s in shown], healthrecord__organisation=org)
    q = request.GET.get("q", "").strip()[:100]
    for word in search_words(q):
        pairs = pairs.filter(healthrecord__search_name__contains=word)
    return sectors, sector, q, pairs


def index(request):
    """By sector, then by name; only names, age and whether the record expired (no medical field)."""
    membership = request.membership
    sectors, sector, q, pairs = listed_pairs(request)
    org = request.organisation
    state = request.GET.get("etat", "")
    today = timezone.localdate()
    if state == "expirees":
        pairs = pairs.filter(healthrecord__valid_until__lt=today)
    elif state == "valides":
        pairs = pairs.filter(healthrecord__valid_until__gte=today)
    else:
        state = ""
    pairs = pairs.order_by("sector__position", "sector__name", "healthrecord__search_name", "healthrecord_id").values_list(
        "sector_id", "healthrecord_id", "healthrecord__first_name", "healthrecord__last_name", "healthrecord__birth_date",
        "healthrecord__valid_until")
    page_obj = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {s.pk: s.name for s in sectors}
    url = row_url("health:detail", org=org.slug)
    rows = []
    for sector_id, pk, first, last, birth, valid_until in page_obj.object_list:
        rows.append({"sector": names.get(sector_id, ""), "name": f"{last.upper()} {first}", "url": url(pk),
                     "age": age_label(birth, today), "expired": valid_until < today})
    health_settings = services.settings_for(org)
    return render(request, "health/index.html", {
        "page_obj": page_obj, "rows": rows, "sectors": sectors, "sector": sector, "search": q, "state": state,
        "query": urlencode({k: v for k, v in {"secteur": sector, "q": q, "etat": state}.items() if v}),
        "can_create": policies.can_write_any(membership, health_settings),
        "can_configure": policies.can_configure(membership),
        "can_export": policies.can_export(membership),
    })


def _record_or_404(request, pk):
    """The record if the person may read it (its sectors decide, see policies.can_read), else 404."""
    record = get_object_or_404(HealthRecord.objects.for_organisation(request.organisation).prefetch_related("sectors"), pk=pk)
    record.organisation = request.organisation  # the same row: no query to read it again
    if not policies.can_read(request.membership, record):
        raise Http404
    return record


@requires_mfa("health")
def detail(request, pk):
    record = _record_or_404(request, pk)
    services.open_record(request, record)
    sector_ids = {s.pk for s in record.sectors.all()}
    health_settings = services.settings_for(request.organisation)
    abilities = policies.abilities(request.membership, record, health_settings, sector_ids)
    readers_url = ""
    if abilities["see_readers"]:
        readers_url = reverse("audit:journal", kwargs={"org": request.organisation.slug}) + "?" + urlencode(
            {"action": "health.read", "target": f"health.healthrecord:{record.pk}"})
    return render(request, "health/detail.html", {
        "record": record, "contacts": list(record.contacts.all()), "documents": services.documents_of(record),
        "expired": record.is_expired(), "abilities": abilities, "readers_url": readers_url,
        "age": age_label(record.birth_date, timezone.localdate()),
        "authorisations": [(_("Photos"), record.allows_photos), (_("Outings"), record.allows_outings),
                           (_("Transport"), record.allows_transport), (_("Emergency care"), record.allows_emergency_care)],
    })


@requires_mfa("health")
def edit(request, pk=None):
    membership = request.membership
    health_settings = services.settings_for(request.organisation)
    record = None
    if pk is not None:
        record = _record_or_404(request, pk)
        if not policies.can_write(membership, record, health_settings):
            raise Http404
    elif not policies.can_write_any(membership, health_settings):
        raise Http404
    all_sectors = list(Sector.objects.for_organisation(request.organisation))
    writable = [s.pk for s in policies.sectors_to_write(membership, health_settings, all_sectors)]
    if record is not None:  # a sector the writer may not write stays as it was, and stays choosable
        writable += [s.pk for s in record.sectors.all()]
    sectors = Sector.objects.for_organisation(request.organisation).filter(pk__in=writable)
    initial_contacts = [{f: getattr(c, f) for f in services.CONTACT_FIELDS} for c in record.contacts.all()] if record else []
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES, instance=record, sectors=sectors)
        contacts = ContactFormSet(request.POST, prefix="contacts", initial=initial_contacts)
        if form.is_valid() and contacts.is_valid():
            try:
                saved = services.save_record(
                    membership, record, form.model_values(), form.cleaned_data["sectors"], contacts.contacts(),
                    documents={DocumentKind.SCAN: form.cleaned_data.get("scan"), DocumentKind.PAI: form.cleaned_data.get("pai_document")},
                    request=request)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The health record of %(name)s was saved.") % {"name": saved})
                return redirect(saved.get_absolute_url())
    else:
        form = RecordForm(instance=record, sectors=sectors, initial={"sectors": [s.pk for s in record.sectors.all()]} if record else
                          {"sectors": writable[:1]} if len(writable) == 1 else {})
        contacts = ContactFormSet(prefix="contacts", initial=initial_contacts)
    return render(request, "health/form.html", {"form": form, "contacts": contacts, "record": record})




@requires_mfa("health")
def document(request, pk, document_pk):
    record = _record_or_404(request, pk)
    found = get_object_or_404(HealthDocument.objects.filter(record=record), pk=document_pk)
    content = services.read_document(request, found)
    response = HttpResponse(content, content_type=found.meta.get("content_type", "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(False, found.meta.get("name", "document"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
