"""A groupement's communes: list and dashboard, provisioning (one or by CSV), services, support
access; a commune's list of support accesses with « Révoquer ». Thin: services.py decides."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.core.forms import apply_errors

from . import catalogue, policies, services
from .forms import CommuneEditForm, CommuneForm, ImportForm, ServicesForm, SupportForm
from .models import Commune, SupportAccess

PAGE_SIZE = 25


def groupement_page(view):
    """Only the groupement's staff; anybody else gets the 404 of a page that does not exist."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not policies.is_groupement_staff(request.membership):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _commune(request, pk) -> Commune:
    return get_object_or_404(services.communes_of(request.membership), pk=pk)


@groupement_page
def index(request):
    search = request.GET.get("q", "").replace("\x00", "")[:100]
    rows = services.overview(request.membership, search=search)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "communes/index.html", {
        "page_obj": page, "rows": page.object_list, "search": search, "query": urlencode({"q": search}) if search else "",
        "total": len(rows), "idle": sum(1 for r in rows if r["idle"]),
        "requests": sum(r["requests"] for r in rows), "with_services": sum(1 for r in rows if r["services"]),
    })


@groupement_page
def create(request):
    form = CommuneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commune = services.provision(request.membership, form.cleaned_data, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is created; its secretary received an invitation.") % {"name": commune})
            return redirect("communes:detail", org=request.organisation.slug, pk=commune.pk)
    return render(request, "communes/create.html", {"form": form})


@groupement_page
def import_file(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    lines = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.import_csv(request.membership, form.cleaned_data["file"].read(services.MAX_CSV_BYTES + 1), request=request)
        except services.ImportRefused as error:
            lines = error.lines
            form.add_error(None, _("Nothing was created: correct the lines below and send the file again."))
        else:
            messages.success(request, _("%(count)d communes created; their secretaries received an invitation.") % {"count": len(created)})
            return redirect("communes:index", org=request.organisation.slug)
    return render(request, "communes/import.html", {"form": form, "lines": lines})


def _detail(request, commune: Commune, support_form: SupportForm, status: int = 200):
    enabled = set(services.state(commune.organisation)["enabled"])
    return render(request, "communes/detail.html", {
        "commune": commune, "catalogue": [(s, s.key in enabled) for s in catalogue.SERVICES],
        "services_form": ServicesForm(initial={"services": sorted(enabled)}), "support_form": support_form,
        "accesses": services.support_accesses(commune.organisation).select_related("organisation")[:10], "now": timezone.now(),
    }, status=status)


@groupement_page
def detail(request, pk):
    return _detail(request, _commune(request, pk), SupportForm())


@groupement_page
def edit(request, pk):
    commune = _commune(request, pk)
    form = CommuneEditForm(request.POST or None, initial=services.current_values(commune))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_commune(request.membership, commune, form.cleaned_data, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if not changed:
                messages.info(request, _("Nothing was changed."))
            elif "secretary_email" in changed:
                messages.success(request, _("%(name)s is saved; the new secretary's address is invited if it is not a member yet.")
                                 % {"name": commune.organisation.name})
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": commune.organisation.name})
            return redirect("communes:detail", org=request.organisation.slug, pk=commune.pk)
    return render(request, "communes/edit.html", {"form": form, "commune": commune}, status=400 if form.errors else 200)


@groupement_page
def remove(request, pk):
    """A confirmation page saying what will happen (deleted, or deactivated and why), then the POST."""
    commune = _commune(request, pk)
    if request.method == "POST":
        name = commune.organisation.name
        plan = services.remove_commune(request.membership, commune, request=request)
        if plan.delete:
            messages.success(request, _("%(name)s is deleted.") % {"name": name})
        else:
            messages.success(request, _("%(name)s is deactivated: its members no longer reach it; its data is kept and it can be "
                                        "re-activated.") % {"name": name})
        return redirect("communes:index", org=request.organisation.slug)
    return render(request, "communes/remove.html", {"commune": commune, "plan": services.removal(commune)})


@groupement_page
@require_POST
def reactivate(request, pk):
    commune = _commune(request, pk)
    if services.reactivate_commune(request.membership, commune, request=request):
        messages.success(request, _("%(name)s is active again: its members reach it as before.") % {"name": commune.organisation.name})
    return redirect("communes:detail", org=request.organisation.slug, pk=commune.pk)


@groupement_page
@require_POST
def services_edit(request, pk):
    commune = _commune(request, pk)
    form = ServicesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown service."))
    else:
        services.set_services(request.membership, commune, form.cleaned_data["services"], request=request)
        messages.success(request, _("The services of %(name)s are saved.") % {"name": commune})
    return redirect("communes:detail", org=request.organisation.slug, pk=commune.pk)


@groupement_page
@require_POST
def support_request(request, pk):
    commune = _commune(request, pk)
    form = SupportForm(request.POST)
    if form.is_valid():
        try:
            services.grant_support(request.membership, commune, hours=form.cleaned_data["hours"],
                                   reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Support access opened: the commune's administrators are told."))
            return redirect("dashboard", org=commune.organisation.slug)
    return _detail(request, commune, form, status=400)


def support_list(request):
    """The commune's admin and director: every support access, the live ones revocable."""
    if not policies.can_see_support(request.membership):
        raise Http404
    rows = services.support_accesses(request.organisation)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "communes/support_list.html", {"page_obj": page, "now": timezone.now()})


@require_POST
def support_revoke(request, pk):
    access = get_object_or_404(SupportAccess.objects.for_organisation(request.organisation), pk=pk)
    services.revoke_support(request.membership, access, request=request)
    messages.success(request, _("The support access is revoked."))
    if access.user_id == request.user.pk:
        return redirect("home")
    return redirect("communes:support_list", org=request.organisation.slug)
