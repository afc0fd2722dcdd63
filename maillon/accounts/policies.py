"""Who may do what with people and their accounts. Pure functions, used by views and API."""

from __future__ import annotations

from .models import Membership
from .roles import Role

MEMBER_MANAGERS = {Role.ADMIN, Role.HR}


def can_manage_members(membership: Membership | None) -> bool:
    """See the members list, invite, import, edit roles, deactivate: admin or HR."""
    return membership is not None and membership.has_role(*MEMBER_MANAGERS)


def can_grant_admin(membership: Membership | None) -> bool:
    """Only a technical administrator grants or removes the admin role."""
    return membership is not None and membership.has_role(Role.ADMIN)


def can_change_roles(actor: Membership | None, target: Membership, old_roles: set[str], new_roles: set[str]) -> bool:
    """A change that adds or removes ``admin`` needs an admin; other changes an admin or HR."""
    if not can_manage_members(actor):
        return False
    if (Role.ADMIN in old_roles) != (Role.ADMIN in new_roles):
        return can_grant_admin(actor)
    return True


def can_deactivate(actor: Membership | None, target: Membership) -> bool:
    """Admin or HR, never oneself; deactivating an admin needs an admin."""
    if not can_manage_members(actor) or actor.user_id == target.user_id:
        return False
    if target.has_role(Role.ADMIN):
        return can_grant_admin(actor)
    return True


def can_reactivate(actor: Membership | None, target: Membership) -> bool:
    return can_deactivate(actor, target)
