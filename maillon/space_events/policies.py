"""Who may do what with the events of a space: small pure functions on the person's role in
the space (``maillon.spaces.policies.role_in``)."""

from __future__ import annotations

from maillon.spaces import policies as space_policies


def can_register(space, role: str | None) -> bool:
    """Every member of the space, whatever their organisation, while the space is not archived."""
    return space_policies.can_read(role) and not space.is_archived


def can_organise(space, role: str | None) -> bool:
    """Create or link events, change their places, run the reception list: the hosts."""
    return space_policies.can_host(space, role)


def can_create_meeting(space, role: str | None, membership) -> bool:
    """The meeting belongs to the owner organisation: a host who is one of its active members."""
    return can_organise(space, role) and membership is not None and membership.organisation_id == space.organisation_id


def can_cancel(registration, user, space, role: str | None) -> bool:
    """The person themselves, or a host."""
    return registration.user_id == user.pk or can_organise(space, role)
