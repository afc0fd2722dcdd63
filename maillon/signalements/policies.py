"""Who handles a commune's problem reports, and who sees one publicly.

Staff: the commune's director, administrators and coordinators (the mayor's office, the
secretariat, the technical services' head) list the reports, change their status with a public
comment, see the photo and manage the categories. Other members of the commune get a 403; the
pages do not exist for an organisation that is not a commune, nor for anyone outside it (the
tenancy middleware), nor when the commune's « problem_reports » service is off (communes.access).

Public: a report shows once moderation published it; before that, only to the citizen who sent it.
Photos are never public (a face, a number plate): staff only.
"""

from __future__ import annotations

from maillon.accounts.roles import Role
from maillon.citizens.models import Moderation
from maillon.organisations.models import Organisation

STAFF_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN, Role.COORDINATOR})


def is_commune(organisation) -> bool:
    return organisation is not None and organisation.kind == Organisation.Kind.COMMUNE


def can_manage(membership) -> bool:
    """No query: the navigation runs it on every page."""
    return membership is not None and is_commune(membership.organisation) and membership.has_role(*STAFF_ROLES)


def can_see_public(report, citizen) -> bool:
    if report.moderation == Moderation.PUBLISHED:
        return True
    return citizen is not None and report.citizen_id == citizen.pk


def is_author(report, citizen) -> bool:
    return citizen is not None and report.citizen_id == citizen.pk
