"""Who may do what in a space. A space's content is visible to its members, whatever their
organisation, and to nobody else (DESIGN.md); views, API and templates use these functions.

``role_in(space, user)``: the person's role there, the highest of the three ways in
(models.py), or None. An archived space is read-only for everyone, hosts included, except that
hosts may take it out of the archive.
"""

from __future__ import annotations

from maillon.accounts.roles import Role as OrgRole

from .models import RANK, Role, Space, SpaceMember, SpaceOrganisation, _active_organisations

# Who may open a space for their organisation, and answer an organisation's invitation.
CREATOR_ROLES = frozenset({OrgRole.DIRECTOR, OrgRole.ADMIN, OrgRole.COORDINATOR})
ANSWER_ROLES = frozenset({OrgRole.DIRECTOR, OrgRole.ADMIN})


def role_in(space: Space, user) -> str | None:
    """Three small queries at most; None for someone who is not a member."""
    if user is None or not user.is_authenticated or space is None:
        return None
    found = []
    direct = SpaceMember.objects.filter(space=space, user=user).values_list("role", flat=True).first()
    if direct:
        found.append(direct)
    if direct != Role.HOST:
        organisations = _active_organisations(user)
        found += SpaceOrganisation.objects.filter(space=space, organisation__in=organisations, accepted_at__isnull=False).values_list("role", flat=True)
        if not found and space.visibility == Space.Visibility.FEDERATION and space.federation_id and \
                space.federation.organisations.filter(pk__in=organisations).exists():
            found.append(Role.READER)
    return max(found, key=lambda role: RANK[role]) if found else None


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
