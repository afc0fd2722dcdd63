"""API of the reports (``/api/v1/reports/…``): a space's reports for its members, a federation's
for its office; each report's figures as JSON and its files (PDF, and slides for two months or
Word for a final report). The same rules as the pages: a space one is not a member of is a 404,
someone who is not a federation office a 403, another federation a 404."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from maillon.api import current_membership
from maillon.core import links
from maillon.core.registry import register_api_router
from maillon.organisations.models import Federation

from . import documents, periods, policies, services
from .figures import Scope, today
from .views import file_response

router = Router(tags=["reports"])


class PeriodOut(Schema):
    slug: str = Field(description="« 2026-3 » (May–June 2026) or « 2026-01-01_2026-12-31 » (a final report)")
    label: str
    start: date
    end: date
    final: bool


class PeriodLinkOut(PeriodOut):
    url: str = Field(description="this report in the API")
    page: str = Field(description="this report's page")


class ReportListOut(Schema):
    name: str
    periods: list[PeriodLinkOut] = Field(description="the current two-month period and the five before it; any other "
                                                      "span « YYYY-MM-DD_YYYY-MM-DD » (five years at most) is a final report")


class FigureOut(Schema):
    key: str
    label: str
    value: int


class ReportSectionOut(Schema):
    key: str
    label: str
    figures: list[FigureOut]


class MonthOut(Schema):
    label: str
    held: int
    planned: int


class RowOut(Schema):
    label: str
    value: int


class ReportOut(Schema):
    title: str
    name: str
    period: PeriodOut
    sections: list[ReportSectionOut]
    figures: dict[str, int] = Field(description="every figure by key")
    months: list[MonthOut] = Field(description="meetings held and planned per month")
    attendance: list[RowOut] = Field(description="people present by organisation")
    next_steps: list[str]
    downloads: dict[str, str] = Field(description="file name → address in the API (PDF, and PPTX or DOCX)")


def _period(slug: str) -> periods.Period:
    try:
        return periods.parse(slug[:40])
    except ValidationError as error:
        raise Http404(error.messages[0]) from error


def _period_out(period: periods.Period) -> dict:
    return {"slug": period.slug, "label": period.label, "start": period.start, "end": period.end, "final": not period.is_bimonthly}


def _report_out(report, download) -> dict:
    return {"title": documents.title_of(report), "name": report.scope.name, "period": _period_out(report.period),
            "sections": [{"key": s["section"], "label": str(s["label"]), "figures": [{**row, "label": str(row["label"])}
                                                                                    for row in s["figures"]]}
                         for s in report.sections],
            "figures": report.values, "months": [{"label": m["label"], "held": m["value"], "planned": m["planned"]} for m in report.months],
            "attendance": report.attendance, "next_steps": report.next_steps,
            "downloads": {fmt: links.absolute(download(fmt)) for fmt in services.formats(report)}}


# ---------------------------------------------------------------- a space's reports

def _space(request, slug: str):
    """A space the caller is a member of (as the pages' ``space_view``), else 404."""
    from maillon.spaces import policies as space_policies
    from maillon.spaces.models import Space

    found = Space.objects.visible_to(request.user).select_related("organisation").filter(slug=slug[:100]).first()
    if found is None or space_policies.role_in(found, request.user) is None:
        raise Http404(_("This space does not exist or you are not one of its members."))
    return found


def _space_report(request, slug: str, period: str):
    space = _space(request, slug)
    period = _period(period)
    return space, services.build(Scope.of_space(space), period, final=not period.is_bimonthly)


@router.get("/spaces/{slug}", response=ReportListOut, summary="A space's reports (its members)")
def space_reports(request, slug: str):
    space = _space(request, slug)
    return {"name": space.name, "periods": [
        {**_period_out(p), "url": links.absolute(reverse("api-v1:reports_space", kwargs={"slug": space.slug, "period": p.slug})),
         "page": links.absolute(reverse("reports:space_report", kwargs={"space": space.slug, "period": p.slug}))}
        for p in periods.recent(today())]}


@router.get("/spaces/{slug}/{period}", response=ReportOut, url_name="reports_space",
            summary="A space's report: its figures, and its files")
def space_report(request, slug: str, period: str):
    space, report = _space_report(request, slug, period)
    return _report_out(report, lambda fmt: reverse("api-v1:reports_space_file", kwargs={"slug": space.slug, "period": report.period.slug,
                                                                                        "fmt": fmt}))


@router.get("/spaces/{slug}/{period}/{fmt}", response={200: None}, url_name="reports_space_file",
            summary="A file of a space's report: rapport.pdf, diaporama.pptx (two months) or rapport.docx (final)")
def space_report_file(request, slug: str, period: str, fmt: str):
    _space, report = _space_report(request, slug, period)
    return file_response(services.export(report, fmt))


# ---------------------------------------------------------------- a federation's reports (its office)

def _federations(request):
    membership = current_membership(request)
    if not policies.is_federation_office(membership):
        raise PermissionDenied(_("Only a federation's office reads its reports."))
    return membership, Federation.objects.filter(organisations=membership.organisation).order_by("name")


def _federation_report(request, slug: str, period: str):
    membership, federations = _federations(request)
    found = federations.filter(slug=slug[:100]).first()
    if found is None:
        raise Http404
    period = _period(period)
    return found, services.build(Scope.of_federation(found, membership.organisation), period, final=not period.is_bimonthly)


@router.get("/federations", response=list[ReportListOut], summary="The reports of the federations of one's office")
def federation_reports(request):
    membership, federations = _federations(request)
    recent = periods.recent(today())
    return [{"name": f.name, "periods": [
        {**_period_out(p), "url": links.absolute(reverse("api-v1:reports_federation", kwargs={"slug": f.slug, "period": p.slug})),
         "page": links.absolute(reverse("reports:federation_report", kwargs={"org": membership.organisation.slug, "federation": f.slug,
                                                                          "period": p.slug}))} for p in recent]}
        for f in federations]


@router.get("/federations/{slug}/{period}", response=ReportOut, url_name="reports_federation",
            summary="A federation's report: its figures, and its files")
def federation_report(request, slug: str, period: str):
    federation, report = _federation_report(request, slug, period)
    return _report_out(report, lambda fmt: reverse("api-v1:reports_federation_file", kwargs={
        "slug": federation.slug, "period": report.period.slug, "fmt": fmt}))


@router.get("/federations/{slug}/{period}/{fmt}", response={200: None}, url_name="reports_federation_file",
            summary="A file of a federation's report: rapport.pdf, diaporama.pptx (two months) or rapport.docx (final)")
def federation_report_file(request, slug: str, period: str, fmt: str):
    _federation, report = _federation_report(request, slug, period)
    return file_response(services.export(report, fmt))


register_api_router("reports", router)
