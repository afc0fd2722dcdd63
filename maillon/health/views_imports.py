"""Import records from a CSV file (line-by-line report, all or nothing), its template, and the
director's export; deletion of a record by hand (GDPR). Anyone else: 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.accounts.middleware import requires_mfa

from . import imports, policies, retention, services
from .views import _record_or_404


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"), help_text=gettext_lazy("UTF-8, 2 MB at most."))


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _may_import(request) -> bool:
    return policies.can_import(request.membership, services.settings_for(request.organisation))


def template(request):
    if not (_may_import(request) or policies.can_export(request.membership)):
        raise Http404
    return _csv_response(imports.template_csv(), "modele-fiches-sanitaires.csv")


@requires_mfa("health")
def import_records(request):
    if not _may_import(request):
        raise Http404
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = imports.read(form.cleaned_data["file"], request.membership)
            if report.error:
                form.add_error("file", report.error)
                report = None
            elif report.ok:
                try:
                    imports.save(report, request.membership, request=request)
                except ValidationError as error:  # a sector or a right changed meanwhile
                    form.add_error("file", error.messages[0])
                    report = None
                except PermissionDenied:
                    raise Http404 from None
    else:
        form = ImportForm()
    return render(request, "health/import.html", {
        "form": form, "report": report, "columns": imports.header(), "max_rows": imports.MAX_ROWS,
        "errors_count": sum(1 for line in report.lines if line.errors) if report else 0,
    })


@requires_mfa("health")
def export_records(request):
    if not policies.can_export(request.membership):
        raise Http404
    content, _count = imports.export_csv(request.membership, request=request)
    return _csv_response(content, f"fiches-sanitaires-{timezone.localdate():%Y-%m-%d}.csv")


@requires_mfa("health")
def delete(request, pk):
    record = _record_or_404(request, pk)
    if not policies.can_delete(request.membership, record, services.settings_for(request.organisation)):
        raise Http404
    if request.method == "POST":
        name = str(record)
        retention.delete_by_hand(request.membership, record, request=request)
        messages.success(request, _("The health record of %(name)s was deleted, with its contacts and documents.") % {"name": name})
        return redirect(reverse("health:index", kwargs={"org": request.organisation.slug}))
    return render(request, "health/delete.html", {"record": record, "documents": len(services.documents_of(record))})
