"""Who fills in a commune's diagnostic and self-check, who edits the recommendation rules, and who
sees a groupement's overview.

A commune's diagnostic is filled in by its director (the mayor or the secretary general) and its
technical administrators: the people who answer for the town hall's organisation and equipment.
The groupement's staff fill it in *with* the commune through the support access of
``maillon.communes`` (a time-limited administrator membership the commune sees and revokes), never
on their own. Other members of the commune get a 403; the pages do not exist (404) for an
organisation that is not a commune, and for anyone who is not a member of it (the tenancy
middleware).

The rules belong to the organisation whose communes they advise (``rules_owner``): a commune's
groupement, or the commune itself when it is in no groupement. They are edited by that
organisation's director and administrators, who also see the groupement's overview of its
communes' scores."""

from __future__ import annotations

from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation

DIAGNOSTIC_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})
GROUPEMENT = "groupement"  # Organisation.Kind.GROUPEMENT (maillon.communes)


def is_commune(organisation) -> bool:
    return organisation is not None and organisation.kind == Organisation.Kind.COMMUNE


def is_groupement(organisation) -> bool:
    return organisation is not None and organisation.kind == GROUPEMENT


def shows_nav(membership) -> bool:
    """The navigation entry, for communes and groupements (no query: it runs on every page)."""
    return membership is not None and (is_commune(membership.organisation) or is_groupement(membership.organisation))


def can_fill_in(membership) -> bool:
    return membership is not None and is_commune(membership.organisation) and membership.has_role(*DIAGNOSTIC_ROLES)


def groupement_of(organisation) -> Organisation | None:
    """The groupement hosting the commune ``organisation``, or None."""
    from maillon.communes.models import Commune

    profile = Commune.objects.filter(organisation=organisation).select_related("groupement").first()
    return profile.groupement if profile is not None else None


def rules_owner(organisation) -> Organisation:
    """The organisation whose rules recommend a bundle to the commune ``organisation``."""
    return groupement_of(organisation) or organisation


def can_edit_rules(membership) -> bool:
    """Director or administrator of a groupement, or of a commune in no groupement."""
    if membership is None or not membership.has_role(*DIAGNOSTIC_ROLES):
        return False
    organisation = membership.organisation
    if is_groupement(organisation):
        return True
    return is_commune(organisation) and groupement_of(organisation) is None


def can_see_overview(membership) -> bool:
    return membership is not None and is_groupement(membership.organisation) and membership.has_role(*DIAGNOSTIC_ROLES)
