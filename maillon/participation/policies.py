"""Who manages a commune's participation, and what a citizen may see.

The commune's director, administrators and coordinators manage its consultations and its idea
box (create, edit, close, publish results, answer ideas). Other members of the commune get a 403;
the staff pages do not exist (404) outside a commune, for a commune without the ``participation``
service (``communes.access``), and for anyone who is not a member (the tenancy middleware).

On the public side, anybody sees the published ideas and the consultations; a citizen also sees
their own idea while it waits for moderation. Results show only once a consultation is closed and
its results are published.
"""

from __future__ import annotations

from maillon.accounts.roles import Role
from maillon.citizens.models import Moderation
from maillon.organisations.models import Organisation

MANAGER_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN, Role.COORDINATOR})


def is_commune(organisation) -> bool:
    return organisation is not None and organisation.kind == Organisation.Kind.COMMUNE


def can_manage(membership) -> bool:
    """No query: the membership's organisation and roles are loaded (navigation runs it on every page)."""
    return membership is not None and is_commune(membership.organisation) and membership.has_role(*MANAGER_ROLES)


shows_nav = can_manage


def can_see_idea(idea, citizen) -> bool:
    """Published ideas, and a citizen's own idea whatever its moderation."""
    if idea.moderation == Moderation.PUBLISHED:
        return True
    return citizen is not None and idea.citizen_id == citizen.pk


def can_see_results(consultation) -> bool:
    return consultation.results_visible
