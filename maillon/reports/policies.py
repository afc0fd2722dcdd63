"""Who reads which report. A space's report: its members (figures only, no names). A
federation's: the director, administrator, coordinators and communication officers of an
organisation of kind « fédération » (the federation's office), for the federations it belongs to."""

from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation

FEDERATION_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN, Role.COORDINATOR, Role.COMMUNICATION})


def is_federation_office(membership) -> bool:
    """No query: the membership's organisation is already loaded (navigation runs it on every page)."""
    return (membership is not None and membership.organisation.kind == Organisation.Kind.FEDERATION
            and membership.has_role(*FEDERATION_ROLES))
