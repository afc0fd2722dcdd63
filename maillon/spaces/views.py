"""Spaces: the list of mine, a new one, its overview, settings and members, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.accounts.models import Membership

from . import policies, services
from .access import home_membership, space_context, space_view
from .forms import (
    InviteForm,
    InviteOrganisationForm,
    NewSpaceForm,
    RegisterForm,
    RoleForm,
    SpaceForm,
)
from .models import Invitation, Space, SpaceMember, SpaceOrganisation

PAGE_SIZE = 20


def _creator_memberships(request):
    return [m for m in [request.membership, *getattr(request, "other_memberships", [])] if policies.can_create(m)]


@login_required
def index(request):
    """My spaces (search, archived ones apart), and the invitations my organisation has to answer."""
    home_membership(request)
    query = request.GET.get("q", "").strip()[:100]
    archived = request.GET.get("archives") == "1"
    spaces = Space.objects.visible_to(request.user).select_related("organisation")
    spaces = spaces.filter(archived_at__isnull=not archived)
    if query:
        spaces = spaces.filter(Q(name__icontains=query) | Q(theme__icontains=query) | Q(description__icontains=query))
    page = Paginator(spaces.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    answerable = [m.organisation_id for m in [request.membership, *getattr(request, "other_memberships", [])]
                  if m is not None and policies.can_answer_for(m)]
    pending = (SpaceOrganisation.objects.filter(organisation_id__in=answerable, accepted_at__isnull=True)
               .select_related("space", "organisation").order_by("-invited_at"))
    return render(request, "spaces/index.html", {
        "page_obj": page, "query": query, "archived": archived, "pending": pending,
        "can_create": bool(_creator_memberships(request) if request.membership else False),
        "querystring": "&".join(p for p in (f"q={query}" if query else "", "archives=1" if archived else "") if p),
    })


@login_required
def new(request):
    home_membership(request)
    creators = _creator_memberships(request) if request.membership else []
    if not creators:
        raise PermissionDenied
    form = NewSpaceForm(request.POST or None, memberships=creators, initial={"owner": creators[0].organisation_id})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner = data.pop("owner")
        membership = next(m for m in creators if m.organisation_id == owner.pk)
        space = services.create_space(membership=membership, request=request, **data)
        messages.success(request, _("The space is open. Invite its members."))
        return redirect("spaces:members", space=space.slug)
    return render(request, "spaces/new.html", {"form": form})


@space_view()
def space(request, space):
    hosts = (SpaceMember.objects.filter(space=space, role="host").select_related("user", "organisation")
             .order_by("user__last_name", "user__first_name")[:10])
    counts = {
        "people": SpaceMember.objects.filter(space=space).count(),
        "organisations": SpaceOrganisation.objects.filter(space=space, accepted_at__isnull=False).count(),
    }
    return render(request, "spaces/space.html", space_context(request, "home", hosts=hosts, counts=counts))


@space_view("host")
def settings_view(request, space):
    form = SpaceForm(request.POST or None, instance=space)
    if request.method == "POST" and form.is_valid():
        services.update_space(space, actor=request.user, request=request,
                              **{name: form.cleaned_data[name] for name in form.changed_data})
        messages.success(request, _("Changes saved."))
        return redirect("spaces:space", space=space.slug)
    return render(request, "spaces/settings.html", space_context(request, "home", form=form))


@require_POST
@space_view("archive")
def archive(request, space):
    archived = request.POST.get("archived") == "1"
    services.set_archived(space, archived, actor=request.user, request=request)
    messages.success(request, _("The space is archived: it is read-only, and its members can still read and search it.")
                     if archived else _("The space is open again."))
    return redirect("spaces:space", space=space.slug)


@space_view()
def members(request, space):
    people = SpaceMember.objects.filter(space=space).select_related("user", "organisation").order_by("user__last_name", "user__first_name", "pk")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        people = people.filter(Q(user__first_name__icontains=query) | Q(user__last_name__icontains=query)
                               | Q(organisation__name__icontains=query))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    organisations = (SpaceOrganisation.objects.filter(space=space).select_related("organisation")
                     .annotate(people=Count("organisation__memberships", filter=Q(organisation__memberships__is_active=True)))
                     .order_by("organisation__name"))
    can_host = policies.can_host(space, request.space_role)
    context = space_context(
        request, "members", page_obj=page, query=query, organisations=organisations, role_form=RoleForm(),
        querystring=f"q={query}" if query else "",
        me=SpaceMember.objects.filter(space=space, user=request.user).first(),
        invitations=Invitation.objects.pending().filter(space=space).order_by("-created_at") if can_host else (),
        invite_form=InviteForm(), organisation_form=InviteOrganisationForm(space=space) if can_host else None,
    )
    return render(request, "spaces/members.html", context)


@require_POST
@space_view("host")
def invite(request, space):
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect("spaces:members", space=space.slug)
    outcome, _found = services.invite(space, form.cleaned_data["email"], role=form.cleaned_data["role"], actor=request.user, request=request)
    messages.success(request, _("%(email)s is now a member of the space.") % {"email": form.cleaned_data["email"]} if outcome == "added"
                     else _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    return redirect("spaces:members", space=space.slug)


@require_POST
@space_view("host")
def invite_organisation(request, space):
    form = InviteOrganisationForm(request.POST, space=space)
    if not form.is_valid():
        messages.error(request, _("Choose an organisation that is not in the space yet."))
        return redirect("spaces:members", space=space.slug)
    link = services.invite_organisation(space, form.cleaned_data["organisation"], role=form.cleaned_data["role"],
                                        actor=request.user, request=request)
    messages.success(request, _("%(organisation)s is in the space.") % {"organisation": link.organisation.name} if link.accepted_at
                     else _("%(organisation)s is invited: its director or administrator will answer.") % {"organisation": link.organisation.name})
    return redirect("spaces:members", space=space.slug)


@require_POST
@space_view("host")
def remove_organisation(request, space, pk):
    link = get_object_or_404(SpaceOrganisation, space=space, pk=pk)
    services.remove_organisation(link, actor=request.user, request=request)
    messages.success(request, _("%(organisation)s has left the space.") % {"organisation": link.organisation.name})
    return redirect("spaces:members", space=space.slug)


@require_POST
@space_view("host")
def revoke(request, space, pk):
    invitation = get_object_or_404(Invitation.objects.pending(), space=space, pk=pk)
    services.revoke_invitation(invitation, actor=request.user, request=request)
    messages.success(request, _("The invitation of %(email)s is cancelled.") % {"email": invitation.email})
    return redirect("spaces:members", space=space.slug)


@require_POST
@space_view("host")
def change_role(request, space, pk):
    member = get_object_or_404(SpaceMember.objects.select_related("user", "space"), space=space, pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.set_role(member, form.cleaned_data["role"], actor=request.user, request=request)
            messages.success(request, _("The role of %(person)s is changed.") % {"person": member.user})
        except ValidationError as error:
            messages.error(request, error.messages[0])
    return redirect("spaces:members", space=space.slug)


@require_POST
@space_view()
def remove(request, space, pk):
    """A host removes someone; anyone may leave (their own row)."""
    member = get_object_or_404(SpaceMember.objects.select_related("user", "space"), space=space, pk=pk)
    leaving = member.user_id == request.user.pk
    if not leaving and not policies.can_host(space, request.space_role):
        raise PermissionDenied
    try:
        services.remove_member(member, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("spaces:members", space=space.slug)
    if leaving:
        messages.success(request, _("You have left the space « %(space)s ».") % {"space": space.name})
        return redirect("spaces:index")
    messages.success(request, _("%(person)s is no longer a member of the space.") % {"person": member.user})
    return redirect("spaces:members", space=space.slug)


@require_POST
@login_required
def answer(request, pk):
    """The invited organisation's director or admin accepts or declines."""
    home_membership(request)
    link = get_object_or_404(SpaceOrganisation.objects.select_related("space", "organisation"), pk=pk, accepted_at__isnull=True)
    membership = Membership.objects.active().with_roles().filter(user=request.user, organisation=link.organisation).first()
    if not policies.can_answer_for(membership):
        raise Http404
    accept = request.POST.get("answer") == "accept"
    services.answer_organisation(link, accept=accept, actor=request.user, request=request)
    if accept:
        messages.success(request, _("%(organisation)s joined the space « %(space)s ».") % {"organisation": link.organisation.name, "space": link.space.name})
        return redirect("spaces:space", space=link.space.slug)
    messages.success(request, _("The invitation is declined."))
    return redirect("spaces:index")


def accept(request, token):
    """The link of an e-mail invitation: join (logged in), log in first, or create an account."""
    invitation = Invitation.objects.by_token(token)
    if invitation is None:
        return render(request, "spaces/invitation_invalid.html", status=404)
    from django.contrib.auth import get_user_model

    has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(request, "spaces/invitation.html", {"invitation": invitation, "wrong_person": True}, status=403)
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, request.user)
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect("spaces:index")
            messages.success(request, _("Welcome to the space « %(space)s ».") % {"space": invitation.space.name})
            return redirect("spaces:space", space=invitation.space.slug)
        return render(request, "spaces/invitation.html", {"invitation": invitation})
    if has_account:
        return redirect_to_login(request.get_full_path())
    form = RegisterForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_invited(invitation, first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"],
                                      password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your account is created and you are a member of the space. Log in to open it."))
            return redirect(f"{reverse('account_login')}?next={reverse('spaces:space', kwargs={'space': invitation.space.slug})}")
    return render(request, "spaces/invitation.html", {"invitation": invitation, "form": form})
