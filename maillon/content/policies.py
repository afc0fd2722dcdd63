"""Who may do what with content, documents and the back office."""

from __future__ import annotations

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role

EDITOR_ROLES = (Role.COMMUNICATION,)
DOCUMENT_MANAGER_ROLES = (Role.COMMUNICATION, Role.DIRECTOR, Role.ADMIN)


def can_edit_pages(membership: Membership | None) -> bool:
    """The Wagtail back office of the organisation: the communication officer only."""
    return membership is not None and membership.has_role(*EDITOR_ROLES)


def can_manage_documents(membership: Membership | None) -> bool:
    return membership is not None and membership.has_role(*DOCUMENT_MANAGER_ROLES)


def can_open_document(membership: Membership | None, document) -> bool:
    if membership is None or document.organisation_id != membership.organisation_id:
        return False
    allowed = document.role_list
    return not allowed or bool(membership.roles.intersection(allowed))
