"""Members admin (/<org>/admin/membres/): list, invite, edit roles, deactivate, CSV import.

Reserved to admin and HR (policies.can_manage_members); others get a 404 like any page
they may not know about. Every object is read through the request's organisation.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import csv_import, policies, services
from .forms import CsvImportForm, InviteForm, MemberFilterForm, MemberForm
from .models import Membership

PAGE_SIZE = 25


def _require_manager(request) -> None:
    if not policies.can_manage_members(request.membership):
        raise Http404


def _member(request, pk: int) -> Membership:
    queryset = (
        Membership.objects.for_organisation(request.organisation)
        .select_related("user", "sector", "organisation").with_roles()
    )
    return get_object_or_404(queryset, pk=pk)


def members(request):
    _require_manager(request)
    organisation = request.organisation
    filters = MemberFilterForm(request.GET or None, organisation=organisation)
    queryset = Membership.objects.for_organisation(organisation).select_related("user", "sector").with_roles()
    status = "active"
    if filters.is_valid():
        data = filters.cleaned_data
        status = data.get("status") or "active"
        if data.get("q"):
            for word in data["q"].split():
                queryset = queryset.filter(
                    Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                    | Q(user__email__icontains=word) | Q(user__username__icontains=word)
                )
        if data.get("sector"):
            queryset = queryset.filter(Q(sector=data["sector"]) | Q(role_assignments__sector=data["sector"])).distinct()
        if data.get("role"):
            queryset = queryset.filter(role_assignments__role=data["role"]).distinct()
    if status == "active":
        queryset = queryset.filter(is_active=True)
    elif status == "inactive":
        queryset = queryset.filter(is_active=False)
    queryset = queryset.order_by("user__last_name", "user__first_name", "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/members/list.html", {
        "filters": filters, "page_obj": page, "members": page.object_list, "query": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    })


@require_http_methods(["GET", "POST"])
def invite(request):
    _require_manager(request)
    form = InviteForm(request.POST or None, organisation=request.organisation, actor_membership=request.membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.invite_member(
                request.organisation, actor=request.user, actor_membership=request.membership,
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                username=data["username"], sector=data["sector"], job_title=data["job_title"],
                roles=data["role_spec"], request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.user_created:
                messages.success(request, _("%(name)s is invited: an e-mail with a link to choose a password is on its way.") % {"name": result.membership.user})
            else:
                messages.success(request, _("%(name)s already had an account: they now belong to this organisation too.") % {"name": result.membership.user})
            return redirect("accounts:member", org=request.organisation.slug, pk=result.membership.pk)
    return render(request, "accounts/members/invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
def member(request, pk: int):
    _require_manager(request)
    membership = _member(request, pk)
    spec = services.role_spec_of(membership)
    form = MemberForm(request.POST or None, membership=membership, actor_membership=request.membership, initial_spec=spec)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_member(
                membership, actor=request.user, actor_membership=request.membership, roles=data["role_spec"],
                sector=data["sector"], job_title=data["job_title"], request=request,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("accounts:member", org=request.organisation.slug, pk=membership.pk)
    return render(request, "accounts/members/detail.html", {
        "member": membership, "form": form, "is_self": membership.user_id == request.user.pk,
        "can_deactivate": policies.can_deactivate(request.membership, membership),
        "awaiting_password": not membership.user.has_usable_password(),
    })


@require_http_methods(["GET", "POST"])
def deactivate(request, pk: int):
    return _toggle(request, pk, activate=False)


@require_http_methods(["GET", "POST"])
def reactivate(request, pk: int):
    return _toggle(request, pk, activate=True)


def _toggle(request, pk: int, *, activate: bool):
    _require_manager(request)
    membership = _member(request, pk)
    detail = redirect("accounts:member", org=request.organisation.slug, pk=membership.pk)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
        return detail
    if not policies.can_deactivate(request.membership, membership):
        messages.error(request, _("Only an administrator may deactivate or reactivate an administrator."))
        return detail
    if request.method == "POST":
        action = services.reactivate_member if activate else services.deactivate_member
        try:
            action(membership, actor=request.user, actor_membership=request.membership, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            if activate:
                messages.success(request, _("%(name)s can sign in to this organisation again.") % {"name": membership.user})
            else:
                messages.success(request, _("%(name)s can no longer reach this organisation.") % {"name": membership.user})
        return detail
    return render(request, "accounts/members/confirm_toggle.html", {"member": membership, "activate": activate})


@require_http_methods(["POST"])
def resend_invitation(request, pk: int):
    _require_manager(request)
    membership = _member(request, pk)
    try:
        services.resend_invitation(membership, actor=request.user, actor_membership=request.membership, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation was sent again to %(email)s.") % {"email": membership.user.email})
    return redirect("accounts:member", org=request.organisation.slug, pk=membership.pk)


@require_http_methods(["GET", "POST"])
def import_csv(request):
    _require_manager(request)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    report = file_error = None
    if request.method == "POST" and form.is_valid():
        try:
            report = csv_import.import_members(
                request.organisation, form.cleaned_data["file"].read(), actor=request.user,
                actor_membership=request.membership, request=request,
            )
        except csv_import.CsvFileError as error:
            file_error = str(error)
            form.add_error("file", file_error)
    return render(request, "accounts/members/import.html", {
        "form": form, "report": report, "columns": csv_import.COLUMNS,
    })


def import_template(request):
    _require_manager(request)
    response = HttpResponse(csv_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="maillon-import-equipe.csv"'
    return response
