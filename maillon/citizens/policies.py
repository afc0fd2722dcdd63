"""Who moderates what citizens write to a commune.

The commune's director, administrators and coordinators, when the commune has enabled a service
whose contributions are moderated (``participation`` or ``problem_reports``)."""

from __future__ import annotations

from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation

MODERATOR_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN, Role.COORDINATOR})
MODERATED_SERVICES = frozenset({"participation", "problem_reports"})


def is_moderator(membership) -> bool:
    """No query: the membership's organisation is loaded."""
    return (membership is not None and membership.organisation.kind == Organisation.Kind.COMMUNE
            and membership.has_role(*MODERATOR_ROLES))


def moderated_services(organisation) -> frozenset[str]:
    """The moderated services the commune has enabled (the shared cache, no query once warm)."""
    from .public import enabled_services

    return MODERATED_SERVICES & enabled_services(organisation)


def can_moderate(membership) -> bool:
    return is_moderator(membership) and bool(moderated_services(membership.organisation))


def shows_moderation(membership) -> bool:
    """The navigation's « Modération » entry. On a commune's page ``communes.access.check_request``
    has set ``hidden_nav`` (the catalogue's entries of services it has not enabled): read from it,
    without a query; elsewhere the commune's state from the shared cache."""
    if not is_moderator(membership):
        return False
    hidden = getattr(membership, "hidden_nav", None)
    if hidden is not None:
        return not {"participation", "signalements"} <= hidden
    return bool(moderated_services(membership.organisation))
