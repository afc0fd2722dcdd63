"""Who may do what in a space. A space's content is visible to its members, whatever their
organisation, and to nobody else (DESIGN.md); views, API and templates use these functions.

``role_in(space, user)``: the person's role there, the highest of the three ways in
(models.py), or None. An archived space is read-only for everyone, hosts included, except that
hosts may take it out of the archive.
"""

from __future__ import annotations

from maillon.accounts.roles import Role as OrgRole

from .models import Role, Space, role_of

# Who may open a space for their organisation, and answer an organisation's invitation.
CREATOR_ROLES = frozenset({OrgRole.DIRECTOR, OrgRole.ADMIN, OrgRole.COORDINATOR})
ANSWER_ROLES = frozenset({OrgRole.DIRECTOR, OrgRole.ADMIN})


def role_in(space: Space, user) -> str | None:
    """One query; None for someone who is not a member. A page has it already
    (``request.space_role``, set by ``@space_view`` from the same query that loads the space)."""
    if user is None or not user.is_authenticated or space is None:
        return None
    found = Space.objects.with_role(user).filter(pk=space.pk).only("pk", "visibility", "federation_id").first()
    return role_of(found) if found is not None else None


def can_read(role: str | None) -> bool:
    return role is not None


def can_contribute(space: Space, role: str | None) -> bool:
    """Write posts, comments, pages, files: hosts and contributors, while the space is not archived."""
    return not space.is_archived and role in (Role.HOST, Role.CONTRIBUTOR)


def can_host(space: Space, role: str | None) -> bool:
    """Pin posts, invite, change roles, organise events: hosts, while the space is not archived."""
    return not space.is_archived and role == Role.HOST


def can_archive(role: str | None) -> bool:
    return role == Role.HOST


def can_create(membership) -> bool:
    return membership is not None and membership.has_role(*CREATOR_ROLES)


def can_answer_for(membership) -> bool:
    """Accept or decline an invitation of the whole organisation."""
    return membership is not None and membership.has_role(*ANSWER_ROLES)
