"""What changes a space: creating it, who is in it, invitations, archiving. Every change is
audited under the space's owner organisation; the views check policies.py first."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.core import links
from maillon.notifications.services import notify
from maillon.notifications.tasks import send_email

from .models import Invitation, Role, Space, SpaceMember, SpaceOrganisation

INVITATION_DAYS = 14


def _audit(action: str, space: Space, actor, request=None, **data):
    record(f"spaces.{action}", actor=actor, organisation=space.organisation, target=space, data=data, request=request)


def space_url(space: Space) -> str:
    return reverse("spaces:space", kwargs={"space": space.slug})


@transaction.atomic
def create_space(*, membership, name: str, request=None, **fields) -> Space:
    """A new space owned by the creator's organisation; the creator is its first host."""
    space = Space.objects.create(name=name, organisation=membership.organisation, created_by=membership.user, **fields)
    SpaceMember.objects.create(space=space, user=membership.user, organisation=membership.organisation, role=Role.HOST,
                               added_by=membership.user)
    _audit("created", space, membership.user, request, name=name)
    return space


@transaction.atomic
def update_space(space: Space, *, actor, request=None, **fields) -> Space:
    for name, value in fields.items():
        setattr(space, name, value)
    space.save()
    _audit("changed", space, actor, request, fields=sorted(fields))
    return space


def _home_organisation(user, space: Space):
    """The organisation a person comes from, for the members list: the space's owner when they
    belong to it, else their first active one (None: an invited person with none)."""
    from maillon.accounts.models import Membership

    memberships = list(Membership.objects.active().filter(user=user, organisation__is_active=True)
                       .select_related("organisation").order_by("organisation__name"))
    for membership in memberships:
        if membership.organisation_id == space.organisation_id:
            return membership.organisation
    return memberships[0].organisation if memberships else None


def add_member(space: Space, user, *, role: str, actor, request=None) -> SpaceMember:
    """Add someone who has an account (or change their role if already there); they are notified."""
    with transaction.atomic():
        member, created = SpaceMember.objects.get_or_create(
            space=space, user=user, defaults={"role": role, "added_by": actor, "organisation": _home_organisation(user, space)})
        if not created and member.role != role:
            member.role = role
            member.save(update_fields=["role"])
        _audit("member_added" if created else "role_changed", space, actor, request, person=str(user), role=role)
        if created and user != actor:
            notify(user, _("You were added to the space « %(space)s »") % {"space": space.name}, url=space_url(space),
                   kind="spaces.invited")
    return member


def invite(space: Space, email: str, *, role: str, actor, request=None) -> tuple[str, object]:
    """Invite by e-mail address: someone with an account here is added at once (« added »);
    anyone else gets a link, valid 14 days, to create an account that belongs to no
    organisation (« invited »). Returns the outcome and the member or invitation."""
    email = email.strip()
    existing = get_user_model().objects.annotate(lower=Lower("email")).filter(lower=email.lower(), is_active=True).first()
    if existing is not None:
        return "added", add_member(space, existing, role=role, actor=actor, request=request)
    token, token_hash = Invitation.new_token()
    with transaction.atomic():
        Invitation.objects.pending().filter(space=space, email__iexact=email).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(space=space, email=email, role=role, token_hash=token_hash, invited_by=actor,
                                               expires_at=timezone.now() + timedelta(days=INVITATION_DAYS))
        _audit("invited", space, actor, request, email=email, role=role)
        context = {"space": space, "inviter": actor, "link": links.absolute(reverse("spaces:accept", kwargs={"token": token})),
                   "days": INVITATION_DAYS}
        transaction.on_commit(lambda: send_email.enqueue(
            to=[email], subject=_("[Maillon] Invitation to the space « %(space)s »") % {"space": space.name},
            body=render_to_string("spaces/invitation_email.txt", context)))
    return "invited", invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, user) -> SpaceMember:
    """The invited person (logged in, or just registered through the link) joins."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation is no longer valid."))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    member, _created = SpaceMember.objects.get_or_create(
        space=invitation.space, user=user,
        defaults={"role": invitation.role, "added_by": invitation.invited_by, "organisation": _home_organisation(user, invitation.space)})
    _audit("invitation_accepted", invitation.space, user, None, email=invitation.email, role=member.role)
    return member


@transaction.atomic
def register_invited(invitation: Invitation, *, first_name: str, last_name: str, password: str):
    """An account for the invited address, verified by the link it came through, with no
    membership of any organisation: it sees its spaces and nothing else."""
    from allauth.account.models import EmailAddress

    users = get_user_model()
    if users.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account already uses this address: log in to accept the invitation."))
    user = users(username=_free_username(invitation.email), email=invitation.email, first_name=first_name, last_name=last_name)
    user.set_password(password)
    try:
        user.save()
    except IntegrityError as error:  # the same address registered a moment ago
        raise ValidationError(_("An account already uses this address: log in to accept the invitation.")) from error
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    accept_invitation(invitation, user)
    return user


def _free_username(email: str) -> str:
    base = email.split("@")[0][:120] or "invite"
    users = get_user_model().objects
    name, n = base, 2
    while users.filter(username=name).exists():
        name, n = f"{base}{n}", n + 1
    return name


def revoke_invitation(invitation: Invitation, *, actor, request=None) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    _audit("invitation_revoked", invitation.space, actor, request, email=invitation.email)


def invite_organisation(space: Space, organisation, *, role: str, actor, request=None) -> SpaceOrganisation:
    """Invite a whole organisation; its director and admins are told and answer for it. The
    owner organisation needs no answer."""
    from maillon.accounts.models import Membership
    from maillon.spaces.policies import ANSWER_ROLES

    with transaction.atomic():
        link, created = SpaceOrganisation.objects.get_or_create(
            space=space, organisation=organisation, defaults={"role": role, "invited_by": actor})
        if not created:
            link.role = role
        if organisation.pk == space.organisation_id and link.accepted_at is None:
            link.accepted_at = timezone.now()
        link.save()
        _audit("organisation_invited", space, actor, request, organisation=organisation.name, role=role)
        if link.accepted_at is None:
            answerers = Membership.objects.active().filter(organisation=organisation, role_assignments__role__in=ANSWER_ROLES)
            url = reverse("spaces:index")
            for membership in answerers.select_related("user").distinct():
                notify(membership.user, _("%(organisation)s is invited into the space « %(space)s »") % {
                    "organisation": organisation.name, "space": space.name}, url=url, organisation=organisation, kind="spaces.invited")
    return link


@transaction.atomic
def answer_organisation(link: SpaceOrganisation, *, accept: bool, actor, request=None) -> None:
    if accept:
        SpaceOrganisation.objects.filter(pk=link.pk).update(accepted_at=timezone.now())
    else:
        SpaceOrganisation.objects.filter(pk=link.pk).delete()
    _audit("organisation_accepted" if accept else "organisation_declined", link.space, actor, request,
           organisation=link.organisation.name)


@transaction.atomic
def remove_organisation(link: SpaceOrganisation, *, actor, request=None) -> None:
    SpaceOrganisation.objects.filter(pk=link.pk).delete()
    _audit("organisation_removed", link.space, actor, request, organisation=link.organisation.name)


def _hosts_left(space: Space, without_user_id: int) -> int:
    return SpaceMember.objects.filter(space=space, role=Role.HOST).exclude(user_id=without_user_id).count()


@transaction.atomic
def set_role(member: SpaceMember, role: str, *, actor, request=None) -> None:
    if member.role == Role.HOST and role != Role.HOST and not _hosts_left(member.space, member.user_id):
        raise ValidationError(_("A space keeps at least one host: name another host first."))
    SpaceMember.objects.filter(pk=member.pk).update(role=role)
    _audit("role_changed", member.space, actor, request, person=str(member.user), role=role)


@transaction.atomic
def remove_member(member: SpaceMember, *, actor, request=None) -> None:
    """Remove someone (or leave, when ``actor`` is that person): access ends at once."""
    if member.role == Role.HOST and not _hosts_left(member.space, member.user_id):
        raise ValidationError(_("A space keeps at least one host: name another host first."))
    SpaceMember.objects.filter(pk=member.pk).delete()
    _audit("left" if member.user_id == actor.pk else "member_removed", member.space, actor, request, person=str(member.user))


@transaction.atomic
def set_archived(space: Space, archived: bool, *, actor, request=None) -> None:
    Space.objects.filter(pk=space.pk).update(archived_at=timezone.now() if archived else None)
    space.refresh_from_db(fields=["archived_at"])
    _audit("archived" if archived else "unarchived", space, actor, request)
