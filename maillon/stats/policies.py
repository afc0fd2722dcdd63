"""Who reads the statistics: the director and the technical administrator of the organisation
(DESIGN.md: « director … statistics »; « admin … users, roles, security »). The same rule for the
page, the CSV exports and the API."""

from __future__ import annotations

from maillon.accounts.roles import Role

READER_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})


def can_read(membership) -> bool:
    return membership is not None and membership.has_role(*READER_ROLES)


def federation_view(membership) -> bool:
    """A federation's office (an organisation of kind « fédération ») sees the totals of the
    organisations of its federations side by side, counts only."""
    from maillon.organisations.models import Organisation

    return can_read(membership) and membership.organisation.kind == Organisation.Kind.FEDERATION
