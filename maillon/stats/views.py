"""The statistics page, one page's detail, their CSV exports, and a person's opt-out. Thin:
policies, reports (one query per table), charts (geometry only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from maillon.core import csvexport

from . import charts, policies, reports, services
from .labels import page_label


def _reader(request):
    if not policies.can_read(request.membership):
        raise PermissionDenied(_("The statistics are for the director and the technical administrator."))


def _period(request) -> reports.Period:
    raw = request.GET.get("jours", "")
    return reports.Period.ending(services.today(), int(raw) if raw.isdigit() else reports.PERIODS[0])


def csv_response(name: str, period: reports.Period, header: list[str], lines) -> HttpResponse:
    return csvexport.csv_response(f"statistiques-{name}-{period.first:%Y-%m-%d}-{period.last:%Y-%m-%d}.csv", header, lines)


def _day_names() -> list[str]:
    return [str(WEEKDAYS[n]) for n in range(7)]


def index(request):
    _reader(request)
    org, period = request.organisation, _period(request)
    export = request.GET.get("export", "")
    if export == "visites":
        days = reports.per_day(org, period)
        return csv_response("visites", period, [_("Date"), _("Visits"), _("Page views")], ([d["date"].isoformat(), d["visits"], d["views"]] for d in days))
    if export == "profils":
        return csv_response("profils", period, [_("Role profile"), _("Page views"), _("Visits")],
                            ([r["label"], r["views"], r["visits"]] for r in reports.by_role(org, period)))
    if export == "heures":
        names = _day_names()
        return csv_response("heures", period, [_("Day"), *[f"{hour} h" for hour in range(24)]],
                            ([names[day], *row] for day, row in enumerate(reports.heat(org, period))))
    if export == "appareils":
        return csv_response("appareils", period, [_("Device"), _("Page views"), _("Visits")],
                            ([r["label"], r["views"], r["visits"]] for r in reports.by_device(org, period)))
    if export == "pages":
        return csv_response("pages", period, [_("Page"), _("Route"), _("Page views"), _("Visits")],
                            ([r["label"], r["route"], r["views"], r["visits"]] for r in reports.top_pages(org, period, limit=None)))
    federation = policies.federation_view(request.membership)
    if export == "federation" and federation:
        return csv_response("federation", period, [_("Organisation"), _("Page views"), _("Visits")],
                            ([r["organisation"], r["views"], r["visits"]] for r in reports.federation_totals(org, period)))
    if export:
        raise Http404
    days = reports.per_day(org, period)
    roles, devices, pages = reports.by_role(org, period), reports.by_device(org, period), reports.top_pages(org, period)
    grid, names = reports.heat(org, period), _day_names()
    return render(request, "stats/index.html", {
        "period": period, "periods": reports.PERIODS, "days": days,
        "total_views": sum(d["views"] for d in days), "total_visits": sum(d["visits"] for d in days),
        "visits_chart": charts.columns(days, "visits"), "roles": roles, "roles_chart": charts.rows(roles),
        "devices": devices, "devices_chart": charts.rows(devices), "pages": pages, "pages_chart": charts.rows(pages[:10]),
        "heat_rows": [{"day": names[n], "hours": row} for n, row in enumerate(grid)], "heat_chart": charts.heat_map(grid, names),
        "hours": range(24), "federation": reports.federation_totals(org, period) if federation else None,
    })


def page(request, route):
    _reader(request)
    org, period = request.organisation, _period(request)
    if not reports.known_route(org, route):
        raise Http404
    label = page_label(route)
    days, roles = reports.per_day(org, period, route), reports.by_role(org, period, route)
    export = request.GET.get("export", "")
    if export == "jours":
        return csv_response("page-jours", period, [_("Date"), _("Page views"), _("Visits")], ([d["date"].isoformat(), d["views"], d["visits"]] for d in days))
    if export == "profils":
        return csv_response("page-profils", period, [_("Role profile"), _("Page views"), _("Visits")], ([r["label"], r["views"], r["visits"]] for r in roles))
    if export:
        raise Http404
    return render(request, "stats/page.html", {
        "route": route, "label": label, "period": period, "periods": reports.PERIODS, "days": days, "roles": roles,
        "total_views": sum(d["views"] for d in days), "views_chart": charts.columns(days, "views"), "roles_chart": charts.rows(roles),
    })


@login_required
def opt_out(request):
    """« Ne pas compter mes visites »: the person's own choice, no person in the URL."""
    if request.method == "POST":
        wanted = request.POST.get("opt_out") == "on"
        services.set_opt_out(request.user, wanted)
        messages.success(request, _("Your visits are no longer counted in the statistics.") if wanted
                         else _("Your visits are counted again, anonymously."))
        return redirect("stats:opt_out")
    return render(request, "stats/opt_out.html", {"opted_out": services.is_opted_out(request.user)})
