"""Who may do what with the events of a space: small functions on the person's role in the space
(``maillon.spaces.policies.role_in``), and the one check of « a host who belongs to the owner
organisation » (``owner_host``), used by the services, the pages and the API alike."""

from __future__ import annotations

from maillon.accounts.models import Membership
from maillon.spaces import policies as space_policies
from maillon.spaces.policies import role_in


def can_register(space, role: str | None) -> bool:
    """Every member of the space, whatever their organisation, while the space is not archived."""
    return space_policies.can_read(role) and not space.is_archived


def can_organise(space, role: str | None) -> bool:
    """Change the places of events, run the reception list: the hosts, whatever their organisation."""
    return space_policies.can_host(space, role)


def owner_membership(space, user) -> Membership | None:
    """The person's active membership of the space's owner organisation, or None."""
    if user is None or not user.is_authenticated:
        return None
    return (Membership.objects.active().with_roles().select_related("organisation", "user")
            .filter(user=user, organisation_id=space.organisation_id, organisation__is_active=True).first())


def owner_host(space, user, role: str | None = None, membership: Membership | None = None) -> Membership | None:
    """Create an event or open an existing meeting to the space: the meeting belongs to the
    owner organisation, so only a host of the space who is one of its active members. Returns
    that membership (the meetings app acts in its name), or None. ``role`` and ``membership``:
    already known ones, to save their queries; a membership of another organisation is ignored."""
    role = role_in(space, user) if role is None else role
    if not can_organise(space, role):
        return None
    if membership is None or membership.organisation_id != space.organisation_id or membership.user_id != user.pk:
        membership = owner_membership(space, user)
    return membership


def can_cancel(registration, user, space, role: str | None) -> bool:
    """The person themselves, or a host."""
    return registration.user_id == user.pk or can_organise(space, role)
