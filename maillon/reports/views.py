"""Reports of a space (tab « Rapports ») and of a federation (its office's « Rapports » page):
the recent two-month periods, a final report over chosen dates, each as a page, PDF, PowerPoint
(bimonthly) or Word (final)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillon.organisations.models import Federation
from maillon.spaces.access import space_context, space_view
from maillon.stats import charts

from . import documents, periods, policies, services
from .figures import Scope, today


def _final_period(request):
    """The dates of the final report's form (« debut », « fin »), or None and the French error."""
    raw_start, raw_end = request.GET.get("debut", ""), request.GET.get("fin", "")
    if not raw_start and not raw_end:
        return None, ""
    try:
        return periods.span(date.fromisoformat(raw_start), date.fromisoformat(raw_end)), ""
    except ValueError:
        return None, _("Enter two dates.")
    except ValidationError as error:
        return None, error.messages[0]


def _index_context(request):
    final, error = _final_period(request)
    return {"recent": periods.recent(today()), "final_error": error, "final": final,
            "debut": request.GET.get("debut", ""), "fin": request.GET.get("fin", "")}


def _period(slug: str):
    try:
        return periods.parse(slug)
    except ValidationError as error:
        raise Http404 from error


def _answer(request, report, fmt: str | None, template: str, context: dict):
    if fmt is None:
        return render(request, template, {**context, "report": report, "title": documents.title_of(report),
                                          "months_chart": charts.rows(report.months, key="value")})
    return file_response(services.export(report, fmt))


def file_response(exported) -> HttpResponse:
    """A report's file as a download (pages and API); None (no such file for this report) is a 404."""
    if exported is None:
        raise Http404
    content_type, content, name = exported
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@space_view()
def space_index(request, space):
    context = _index_context(request)
    if context["final"] is not None:
        return redirect("reports:space_report", space=space.slug, period=context["final"].slug)
    return render(request, "reports/index.html", space_context(request, "reports", **context))


@space_view()
def space_report(request, space, period, fmt=None):
    period = _period(period)
    report = services.build(Scope.of_space(space), period, final=not period.is_bimonthly)
    return _answer(request, report, fmt, "reports/report.html", space_context(request, "reports"))


@space_view()
def framing_note(request, space):
    response = HttpResponse(documents.framing_note(space), content_type=services.FORMATS["rapport.docx"][0])
    response["Content-Disposition"] = f'attachment; filename="note-de-cadrage-{space.slug}.docx"'
    return response


def _federations(request):
    if not policies.is_federation_office(request.membership):
        raise PermissionDenied
    return list(Federation.objects.filter(organisations=request.organisation).order_by("name"))


def federation_index(request):
    federations = _federations(request)
    context = _index_context(request)
    chosen = request.GET.get("federation") or (federations[0].slug if federations else "")
    if context["final"] is not None and any(f.slug == chosen for f in federations):
        return redirect("reports:federation_report", org=request.organisation.slug, federation=chosen, period=context["final"].slug)
    return render(request, "reports/federation_index.html", {**context, "federations": federations, "chosen": chosen})


def federation_report(request, federation, period, fmt=None):
    found = next((f for f in _federations(request) if f.slug == federation), None)
    if found is None:
        raise Http404
    period = _period(period)
    report = services.build(Scope.of_federation(found, request.organisation), period, final=not period.is_bimonthly)
    return _answer(request, report, fmt, "reports/federation_report.html", {"federation": found})
