"""Who may change an organisation's settings."""

from __future__ import annotations

from maillon.accounts.roles import Role

THEME_EDITORS = {Role.ADMIN, Role.DIRECTOR, Role.COMMUNICATION}


def can_edit_settings(membership) -> bool:
    """Name, address, logo, colours and the FEDER block: admin, director, communication."""
    return membership is not None and membership.has_role(*THEME_EDITORS)
