"""Who may see what in notifications."""

from django.conf import settings

from maillon.accounts.roles import Role


def can_read_outbox(membership) -> bool:
    """Technical admins read the development outbox, and only outside production."""
    return membership is not None and membership.has_role(Role.ADMIN) and settings.MAILLON_ENV != "production"
