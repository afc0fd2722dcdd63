"""Writes on people: invitations, roles, deactivation. Every change is audited.

Roles are given as a ``RoleSpec``: ``{role key: [sectors]}``, the list empty for roles that
hold for the whole organisation, one or more sectors for sector roles (coordinator,
supervisor): one RoleAssignment per sector.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.core import links
from maillon.organisations.models import Organisation, Sector

from . import policies
from .models import Membership, RoleAssignment, User
from .roles import SECTOR_ROLES, Role
from .signing import sign, verify  # noqa: F401 - the signing services live in signing.py

RoleSpec = dict[str, list[Sector]]


# ----------------------------------------------------------------------------- roles

def role_spec_of(membership: Membership) -> RoleSpec:
    """The membership's current roles as a RoleSpec (uses prefetched assignments)."""
    spec: RoleSpec = {}
    for assignment in membership.role_assignments.all():
        sectors = spec.setdefault(assignment.role, [])
        if assignment.role in SECTOR_ROLES and assignment.sector is not None:
            sectors.append(assignment.sector)
    return spec


def describe_roles(spec: RoleSpec) -> list[str]:
    """Stable, readable form for the audit log: ``coordinator@Secteur Enfance``."""
    items = []
    for role, sectors in spec.items():
        if role in SECTOR_ROLES:
            items.extend(f"{role}@{s.name}" for s in sectors)
        else:
            items.append(role)
    return sorted(items)


def validate_role_spec(organisation: Organisation, spec: RoleSpec) -> RoleSpec:
    """Known roles, at least one, sectors of this organisation, sector roles with a sector."""
    if not spec:
        raise ValidationError({"roles": _("Choose at least one role.")})
    clean: RoleSpec = {}
    for role, sectors in spec.items():
        if role not in Role.values:
            raise ValidationError({"roles": _("Unknown role: %(role)s.") % {"role": role}})
        if role in SECTOR_ROLES:
            if not sectors:
                raise ValidationError({"roles": _("The role “%(role)s” needs at least one sector.") % {"role": Role(role).label}})
            if any(s.organisation_id != organisation.pk for s in sectors):
                raise ValidationError({"roles": _("This sector does not belong to the organisation.")})
            clean[role] = sorted(set(sectors), key=lambda s: (s.position, s.name))
        else:
            clean[role] = []
    return clean


def _create_assignments(membership: Membership, spec: RoleSpec) -> None:
    RoleAssignment.objects.bulk_create(
        RoleAssignment(membership=membership, role=role, sector=sector)
        for role, sectors in spec.items()
        for sector in (sectors if role in SECTOR_ROLES else [None])
    )


def _lock_active_admins(organisation: Organisation) -> list[int]:
    """Ids of the memberships holding ``admin`` that are active, locked until commit."""
    return sorted(set(
        Membership.objects.for_organisation(organisation).active()
        .filter(role_assignments__role=Role.ADMIN).select_for_update(of=("self",))
        .values_list("pk", flat=True)
    ))


def _ensure_not_last_admin(membership: Membership) -> None:
    admins = _lock_active_admins(membership.organisation)
    if membership.pk in admins and len(admins) <= 1:
        raise ValidationError(_(
            "This person is the organisation's last active administrator: "
            "give the administrator role to someone else first."
        ), code="last_admin")


# ----------------------------------------------------------------------------- invitations

def derive_username(first_name: str, last_name: str, email: str = "") -> str:
    """``camille.exemple``, then ``camille.exemple2``… until no one has it."""
    parts = [slugify(p) for p in (first_name, last_name) if slugify(p)]
    base = ".".join(parts) or slugify(email.split("@")[0]) or "personne"
    base = base[:140]
    taken = {u.lower() for u in User.objects.filter(username__istartswith=base).values_list("username", flat=True)}
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def find_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first() if email.strip() else None


@dataclass
class InviteResult:
    membership: Membership
    user_created: bool


@transaction.atomic
def invite_member(
    organisation: Organisation, *, actor: User | None, first_name: str, last_name: str, email: str,
    roles: RoleSpec, username: str = "", sector: Sector | None = None, job_title: str = "",
    request=None, actor_membership: Membership | None = None, audit: bool = True,
) -> InviteResult:
    """Create the person (unusable password) or reuse the one with this e-mail, add the
    membership and roles, and e-mail the invitation after commit."""
    email = email.strip()
    first_name, last_name, username = first_name.strip(), last_name.strip(), username.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    spec = validate_role_spec(organisation, roles)
    if Role.ADMIN in spec and actor_membership is not None and not policies.can_grant_admin(actor_membership):
        raise ValidationError({"roles": _("Only an administrator may grant the administrator role.")})
    if sector is not None and sector.organisation_id != organisation.pk:
        raise ValidationError({"sector": _("This sector does not belong to the organisation.")})

    user = find_user_by_email(email)
    created = user is None
    if user is not None:
        if Membership.objects.for_organisation(organisation).filter(user=user).exists():
            raise ValidationError({"email": _("This person is already a member of the organisation.")}, code="already_member")
    else:
        if not first_name or not last_name:
            raise ValidationError({"first_name" if not first_name else "last_name": _("This field is required.")})
        if username:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError:
                raise ValidationError({"username": _("A username may only contain letters, digits and @ . + - _")}) from None
            if User.objects.filter(username__iexact=username).exists():
                raise ValidationError({"username": _("This username is already taken.")})
        user = User(
            username=username or derive_username(first_name, last_name, email),
            first_name=first_name[:150], last_name=last_name[:150], email=email,
        )
        user.set_unusable_password()
        user.save()

    membership = Membership.objects.create(user=user, organisation=organisation, sector=sector, job_title=job_title[:120])
    _create_assignments(membership, spec)
    if audit:
        record(
            "membership.invite", actor=actor, organisation=organisation, target=membership,
            data={"email": email, "username": user.username, "roles": describe_roles(spec), "new_person": created},
            request=request,
        )
    transaction.on_commit(lambda: send_invitation(membership))
    return InviteResult(membership, created)


def set_password_url(user: User) -> str:
    """Absolute link to allauth's « set a new password » page for ``user``."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse("account_reset_password_from_key", kwargs={
        "uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user),
    })
    return links.absolute(path)


def send_invitation(membership: Membership) -> None:
    """E-mail the invitation. A person who has no password yet gets a link to choose one;
    a person who already has one (member elsewhere) gets a notification."""
    from maillon.notifications.services import notify
    from maillon.notifications.tasks import send_email

    user, organisation = membership.user, membership.organisation
    with translation.override(settings.LANGUAGE_CODE):
        if user.has_usable_password():
            notify(
                user, _("You now belong to %(organisation)s") % {"organisation": organisation.name},
                body=_("You can switch to this organisation from the menu."),
                url=reverse("dashboard", kwargs={"org": organisation.slug}), organisation=organisation, kind="accounts.membership",
            )
            return
        if not user.email:
            return
        context = {
            "user": user, "organisation": organisation, "link": set_password_url(user),
            "username": user.username, "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        send_email.enqueue(
            to=[user.email],
            subject=_("[Maillon] Invitation to join %(organisation)s") % {"organisation": organisation.name},
            body=render_to_string("accounts/email/invitation.txt", context),
        )


@transaction.atomic
def resend_invitation(membership: Membership, *, actor: User, actor_membership: Membership, request=None) -> None:
    if not policies.can_manage_members(actor_membership):
        raise PermissionDenied
    if membership.user.has_usable_password():
        raise ValidationError(_("This person has already chosen a password."))
    record("membership.invite_resent", actor=actor, organisation=membership.organisation, target=membership, request=request)
    transaction.on_commit(lambda: send_invitation(membership))


# ----------------------------------------------------------------------------- changes

@transaction.atomic
def update_member(
    membership: Membership, *, actor: User, actor_membership: Membership, roles: RoleSpec,
    sector: Sector | None, job_title: str, request=None,
) -> Membership:
    """Change home sector, job title and roles, with the admin rules."""
    organisation = membership.organisation
    old_spec = role_spec_of(membership)
    new_spec = validate_role_spec(organisation, roles)
    if not policies.can_change_roles(actor_membership, membership, set(old_spec), set(new_spec)):
        raise ValidationError({"roles": _("Only an administrator may grant or remove the administrator role.")})
    if sector is not None and sector.organisation_id != organisation.pk:
        raise ValidationError({"sector": _("This sector does not belong to the organisation.")})
    if Role.ADMIN in old_spec and Role.ADMIN not in new_spec and membership.is_active:
        _ensure_not_last_admin(membership)

    changed = {}
    if membership.sector_id != (sector.pk if sector else None):
        changed["sector"] = [str(membership.sector or ""), str(sector or "")]
    if membership.job_title != job_title:
        changed["job_title"] = [membership.job_title, job_title]
    if changed:
        membership.sector, membership.job_title = sector, job_title[:120]
        membership.save(update_fields=["sector", "job_title"])
        record("membership.update", actor=actor, organisation=organisation, target=membership, data=changed, request=request)

    before, after = describe_roles(old_spec), describe_roles(new_spec)
    if before != after:
        membership.role_assignments.all().delete()
        _create_assignments(membership, new_spec)
        record("membership.roles", actor=actor, organisation=organisation, target=membership,
               data={"before": before, "after": after}, request=request)
    membership.__dict__.pop("roles", None)  # cached_property
    return membership


@transaction.atomic
def deactivate_member(membership: Membership, *, actor: User, actor_membership: Membership, request=None) -> Membership:
    if actor_membership is not None and actor_membership.user_id == membership.user_id:
        raise ValidationError(_("You cannot deactivate your own account."), code="self")
    if not policies.can_deactivate(actor_membership, membership):
        raise PermissionDenied
    if not membership.is_active:
        return membership
    _ensure_not_last_admin(membership)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    record("membership.deactivate", actor=actor, organisation=membership.organisation, target=membership, request=request)
    return membership


@transaction.atomic
def reactivate_member(membership: Membership, *, actor: User, actor_membership: Membership, request=None) -> Membership:
    if not policies.can_reactivate(actor_membership, membership):
        raise PermissionDenied
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    record("membership.reactivate", actor=actor, organisation=membership.organisation, target=membership, request=request)
    return membership
