"""Who may do what at the reception desk (views, API and templates use these functions)."""

from __future__ import annotations

from maillon.accounts.roles import Role

SENDER_ROLES = frozenset({Role.RECEPTION})
HISTORY_ROLES = frozenset({Role.RECEPTION, Role.DIRECTOR})


def can_send(membership) -> bool:
    """Phone messages and visitor notices are written by reception agents only (seed 001 §3.5)."""
    return membership is not None and membership.has_role(*SENDER_ROLES)


def can_see_all(membership) -> bool:
    """The whole history (every message of the organisation): reception and the director."""
    return membership is not None and membership.has_role(*HISTORY_ROLES)


def can_read_message(membership, message) -> bool:
    """Its recipient, its author, reception and the director."""
    return message.recipient_id == membership.pk or message.author_id == membership.pk or can_see_all(membership)


def is_recipient(membership, message) -> bool:
    """Only the recipient marks a message delivered, read or handled."""
    return message.recipient_id == membership.pk


def can_change_settings(membership) -> bool:
    """The e-mail delays and the retention: the director and the technical administrator."""
    return membership is not None and membership.has_role(Role.DIRECTOR, Role.ADMIN)
