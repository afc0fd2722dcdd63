"""Who manages a groupement's communes, and who sees and revokes a commune's support accesses.

A groupement's staff: the director, administrators and coordinators of the organisation of kind
« groupement ». Its communes' own admin and director see the support accesses and revoke them."""

from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation

GROUPEMENT_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN, Role.COORDINATOR})
COMMUNE_SUPPORT_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})
MAX_SUPPORT_HOURS = 8


def is_groupement_staff(membership) -> bool:
    """No query: the membership's organisation is loaded (navigation runs it on every page)."""
    return (membership is not None and membership.organisation.kind == Organisation.Kind.GROUPEMENT
            and membership.has_role(*GROUPEMENT_ROLES))


def can_manage_commune(membership, commune) -> bool:
    """``commune``: a Commune profile; only its own groupement's staff."""
    return is_groupement_staff(membership) and commune.groupement_id == membership.organisation_id


def can_see_support(membership) -> bool:
    """The commune's own admin and director (a support membership itself excepted: it may not
    hide or extend its own access)."""
    return (membership is not None and membership.organisation.kind == Organisation.Kind.COMMUNE
            and membership.has_role(*COMMUNE_SUPPORT_ROLES) and not getattr(membership, "is_support", False))
