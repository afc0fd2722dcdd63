"""Who may read the audit log."""

from __future__ import annotations

from maillon.accounts.roles import Role

JOURNAL_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR})


def can_read_journal(membership) -> bool:
    """Technical admins and the direction read their organisation's audit log."""
    return membership is not None and membership.has_role(*JOURNAL_ROLES)
