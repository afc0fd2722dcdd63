"""Who may edit the directory."""

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role

EDITOR_ROLES = (Role.DIRECTOR, Role.ADMIN, Role.COMMUNICATION, Role.COORDINATOR, Role.RECEPTION)


def can_edit_directory(membership: Membership | None) -> bool:
    return membership is not None and membership.has_role(*EDITOR_ROLES)


def can_see_internal_comments(membership: Membership | None) -> bool:
    return can_edit_directory(membership)
