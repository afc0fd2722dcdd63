"""Pages of problem reports.

Public (``/<commune>/signalements/…``, ``citizens.public.public_commune("problem_reports")``): the
published reports, « Signaler un problème », a report's page (its status and timeline).
Staff (``/<org>/signalements/gestion/…``): the list with counts and filters, a report's page with
its photo (served here, never from /media/), status changes, moderation, the categories.
Thin: services.py decides, policies.py says who.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from maillon.citizens.antiabuse import rate_limited
from maillon.citizens.identity import citizen_required, current_citizen
from maillon.citizens.models import Moderation
from maillon.communes.pages import commune_staff_page
from maillon.core.forms import apply_errors
from maillon.core.middleware import content_security_policy

from . import geo, policies, services
from .forms import CategoryForm, FilterForm, ModerationForm, ReportForm, StatusForm
from .models import Category, Report

SERVICE = "problem_reports"
MAX_ID = 2**63 - 1  # a longer id in the address or the form is no row (and no database overflow)


def _not_found(request):
    return TemplateResponse(request, "citizens/not_found.html", {}, status=404)


def _with_map_policy(request, response):
    """The tiles' origin allowed for images on the pages that draw a map, and on them only."""
    origin = geo.tiles_origin()
    policy = content_security_policy(request)
    if origin:
        policy = policy.replace("img-src 'self' data: blob:", f"img-src 'self' data: blob: {origin}", 1)
    response["Content-Security-Policy"] = policy
    return response


def _map_context(point=None) -> dict:
    lat, lng, zoom = (point[0], point[1], 17) if point else geo.FRANCE_CENTRE
    return {"map_tiles": geo.tiles_url(), "map_lat": f"{float(lat):.6f}", "map_lng": f"{float(lng):.6f}", "map_zoom": zoom}


def _public(view):
    from maillon.citizens.public import public_commune

    return public_commune(SERVICE)(view)


# ---------------------------------------------------------------------------- public pages

@_public
def public_list(request, commune):
    cats = services.categories(commune)
    try:
        category_id = int(request.GET.get("categorie") or 0)
    except ValueError:
        category_id = 0
    if category_id not in {c.pk for c in cats}:
        category_id = 0
    page = Paginator(services.public_reports(commune, category_id=category_id or None), services.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "signalements/public_list.html", {
        "page_obj": page, "categories": [(c.pk, c.name) for c in cats], "category_id": category_id,
        "query": urlencode({"categorie": category_id}) if category_id else "",
    })


@_public
@citizen_required
def public_create(request, commune):
    cats = services.categories(commune)
    citizen = current_citizen(request)
    form = ReportForm(request.POST or None, request.FILES or None, categories=cats)
    if request.method == "POST" and form.is_valid():
        refused = rate_limited(request, "signalements", email=citizen.email)
        if refused:
            form.add_error(None, refused)
        else:
            lat, lng = form.point
            try:
                report = services.create_report(commune, citizen, category=form.cleaned_data["category"],
                                                description=form.cleaned_data["description"], address=form.cleaned_data["address"],
                                                latitude=lat, longitude=lng, image=form.image, request=request)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Thank you. Your report is recorded under the number %(ref)s; the commune will read it.")
                                 % {"ref": report.reference})
                return redirect("signalements:public_detail", commune=commune.slug, ref=report.reference)
    response = render(request, "signalements/public_form.html", {"form": form, **_map_context()}, status=400 if form.errors else 200)
    return _with_map_policy(request, response)


@_public
def public_detail(request, commune, ref):
    citizen = current_citizen(request)
    report = services.public_report(commune, ref, citizen)
    if report is None:
        return _not_found(request)
    response = render(request, "signalements/public_detail.html", {
        "report": report, "updates": services.timeline(report), "is_author": policies.is_author(report, citizen),
        "pending": report.moderation == Moderation.PENDING, "refused": report.moderation == Moderation.REJECTED,
        **_map_context((report.latitude, report.longitude) if report.has_point else None),
    })
    return _with_map_policy(request, response) if report.has_point else response


# ---------------------------------------------------------------------------- staff pages

staff_page = commune_staff_page(policies.can_manage)  # 404 outside a commune, 403 for who does not handle reports


def _report(request, ref) -> Report:
    return get_object_or_404(Report.objects.for_organisation(request.organisation).select_related("category", "citizen"), reference=ref)


@staff_page
def staff_list(request):
    cats = services.categories(request.organisation, active_only=False)
    form = FilterForm(request.GET or None, categories=cats)
    status = category_id = moderation = None
    if form.is_valid():
        status, category_id, moderation = (form.cleaned_data["status"], form.cleaned_data["category"],
                                           form.cleaned_data["moderation"])
    page = Paginator(services.staff_reports(request.organisation, status=status or "", category_id=category_id,
                                            moderation=moderation or ""), services.PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("status", status), ("category", category_id), ("moderation", moderation)) if v})
    counts = services.counts(request.organisation)
    return render(request, "signalements/staff_list.html", {
        "form": form, "search": None, "hidden": [], "page_obj": page, "query": query, "counts": counts,
        "status_counts": [(value, label, counts[value]) for value, label in Report.Status.choices],
    })


@staff_page
def staff_detail(request, ref):
    report = _report(request, ref)
    status_form = StatusForm(initial={"status": report.status}, prefix="s")
    moderation_form = ModerationForm(prefix="m")
    if request.method == "POST":
        if "s-status" in request.POST:
            status_form = StatusForm(request.POST, prefix="s")
            if status_form.is_valid():
                try:
                    services.change_status(request.membership, report, status_form.cleaned_data["status"],
                                           status_form.cleaned_data["comment"], request=request)
                except ValidationError as error:
                    apply_errors(status_form, error)
                else:
                    messages.success(request, _("Status saved; the citizen is told by e-mail."))
                    return redirect("signalements:staff_detail", org=request.organisation.slug, ref=report.reference)
        elif "publish" in request.POST or "refuse" in request.POST:
            moderation_form = ModerationForm(request.POST, prefix="m")
            if moderation_form.is_valid():
                publish = "publish" in request.POST
                services.moderate(request.membership, report, publish=publish, note=moderation_form.cleaned_data["note"],
                                  request=request)
                messages.success(request, _("Report published.") if publish else _("Report kept from the public pages."))
                return redirect("signalements:staff_detail", org=request.organisation.slug, ref=report.reference)
    return render(request, "signalements/staff_detail.html", {
        "report": report, "updates": services.timeline(report), "status_form": status_form, "moderation_form": moderation_form,
        "pending": report.moderation == Moderation.PENDING,
    }, status=400 if status_form.errors or moderation_form.errors else 200)


@staff_page
def staff_photo(request, ref):
    report = _report(request, ref)
    if not report.photo:
        raise Http404
    try:
        handle = report.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{report.reference}.jpg"'
    return response


def _category(request, pk: int) -> Category:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(Category.objects.for_organisation(request.organisation), pk=pk)


@staff_page
def categories(request):
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        action, pk = request.POST.get("action", ""), request.POST.get("category", "")
        if action in {"archive", "restore"} and pk.isdigit():
            category = _category(request, int(pk))
            try:
                services.set_category_active(request.membership, category, action == "restore", request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("signalements:categories", org=request.organisation.slug)
        if form.is_valid():
            try:
                services.add_category(request.membership, form.cleaned_data["name"], request=request)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Category added."))
                return redirect("signalements:categories", org=request.organisation.slug)
    cats = services.categories(request.organisation, active_only=False)
    used = set(Report.objects.for_organisation(request.organisation).values_list("category_id", flat=True).distinct())
    return render(request, "signalements/categories.html", {"form": form, "categories": cats, "used": used},
                  status=400 if form.errors else 200)


@staff_page
def category_delete(request, pk):
    category = _category(request, pk)
    if request.method == "POST":
        try:
            services.delete_category(request.membership, category, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Category deleted."))
        return redirect("signalements:categories", org=request.organisation.slug)
    return render(request, "signalements/category_delete.html", {"category": category})

