"""Who may do what with procedures. Small pure functions: views, API and templates share them.

An *assignment* is a ``(role, sector_id or None)`` pair held by a person (see RoleAssignment).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from maillon.accounts.roles import SECTOR_ROLES, Role

Assignment = tuple[str, int | None]

MANAGER_ROLES = {Role.HR, Role.COMMUNICATION, Role.DIRECTOR}
OVERSIGHT_ROLES = {Role.HR, Role.DIRECTOR}
STEP_ROLES = [Role.COORDINATOR, Role.SUPERVISOR, Role.HR, Role.DIRECTOR, Role.EQUIPMENT_MANAGER, Role.COMMUNICATION, Role.RECEPTION, Role.ADMIN]


def assignments_of(membership) -> list[Assignment]:
    return [(a.role, a.sector_id) for a in membership.role_assignments.all()]


def can_manage_procedures(membership) -> bool:
    """Back office: create, edit, publish, retire procedures; enable templates."""
    return membership is not None and membership.has_role(*MANAGER_ROLES)


def can_oversee(membership) -> bool:
    """See every submission of the organisation, filter, export, print."""
    return membership is not None and membership.has_role(*OVERSIGHT_ROLES)


def holds_step(assignments: Iterable[Assignment], role: str, sector_id: int | None) -> bool:
    """Does someone with these assignments hold a step for ``role`` (in ``sector_id`` for sector roles)?"""
    for held_role, held_sector in assignments:
        if held_role != role:
            continue
        if role in SECTOR_ROLES and sector_id is not None:
            if held_sector == sector_id:
                return True
        else:
            return True
    return False


def can_decide(user_id: int, applicant_id: int, role: str, sector_id: int | None,
               own: Iterable[Assignment], delegated: Iterable[Iterable[Assignment]] = ()) -> bool:
    """The approver of a waiting step: holds its role (in the sector), or is the active delegate of
    someone who does. Nobody decides on their own submission, even as a delegate."""
    if user_id == applicant_id:
        return False
    if holds_step(own, role, sector_id):
        return True
    return any(holds_step(assignments, role, sector_id) for assignments in delegated)


def can_withdraw(user_id: int, applicant_id: int, status: str, decisions_made: int) -> bool:
    """The applicant withdraws a submission awaiting approval, before any decision of this round."""
    return user_id == applicant_id and status in ("pending", "changes") and decisions_made == 0


def can_cancel(user_id: int, applicant_id: int, status: str, starts_on: date | None, today: date, oversees: bool) -> bool:
    """An approved leave request is cancelled by HR (or the director) at any time, or by the
    applicant before the leave starts. ``starts_on`` is None for a submission that is not a leave."""
    if status != "approved" or starts_on is None:
        return False
    return oversees or (user_id == applicant_id and today < starts_on)


def can_edit(user_id: int, applicant_id: int, status: str) -> bool:
    return user_id == applicant_id and status in ("draft", "changes")


@dataclass(frozen=True)
class PlannedStep:
    role: str
    sector_id: int | None
    label: str = ""
    skip_reason: str = ""  # non-empty: the step is shown in the timeline but skipped


SKIP_SELF = "self"
SKIP_NOBODY = "nobody"
SKIP_RULE = "rule"  # the step's own rule: the applicant holds one of its ``skip_roles``


def plan_chain(chain: dict, applicant: Iterable[Assignment], sector_id: int | None, amount: Decimal | None,
               holders: Iterable[Assignment] = None) -> list[PlannedStep]:
    """The steps of a submission from the procedure's chain.

    - a step with ``min_amount`` exists only when the submission's amount reaches it;
    - a step whose role the applicant holds (for sector roles: in the applicant's sector) is skipped
      (a coordinator's own request skips the coordinator step); a step is also skipped when the
      applicant holds one of its ``skip_roles`` (for sector roles: in the applicant's sector);
    - a sector step (coordinator, supervisor) for an applicant without a sector is skipped, and
      a step nobody else holds (``holders``: every assignment of the organisation except the
      applicant's) is skipped too, so a submission never waits for nobody.
    """
    applicant = list(applicant)
    holders = None if holders is None else list(holders)
    planned = []
    for spec in chain.get("steps") or []:
        role = spec.get("role")
        if role not in Role.values:
            continue
        threshold = spec.get("min_amount")
        if threshold not in (None, "") and (amount is None or Decimal(str(amount)) < Decimal(str(threshold))):
            continue
        step_sector = sector_id if role in SECTOR_ROLES else None
        reason = ""
        if holds_step(applicant, role, step_sector):
            reason = SKIP_SELF
        elif any(holds_step(applicant, r, sector_id if r in SECTOR_ROLES else None) for r in spec.get("skip_roles") or []):
            reason = SKIP_RULE
        elif (role in SECTOR_ROLES and sector_id is None) or (holders is not None and not holds_step(holders, role, step_sector)):
            reason = SKIP_NOBODY
        planned.append(PlannedStep(role, step_sector, spec.get("label", ""), reason))
    return planned
