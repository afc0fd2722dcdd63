"""Who may do what with leave. Small pure functions."""

from __future__ import annotations

from maillon.accounts.roles import Role

# Ledgers of everyone, corrections, imports, exports.
LEDGER_ROLES = frozenset({Role.HR, Role.DIRECTOR})
# Leave types, counting mode, holidays, work cycles.
SETTINGS_ROLES = frozenset({Role.HR, Role.DIRECTOR, Role.ADMIN})


def can_view_all_ledgers(membership) -> bool:
    return membership is not None and membership.has_role(*LEDGER_ROLES)


def can_correct(membership) -> bool:
    return membership is not None and membership.has_role(Role.HR)


def can_import(membership) -> bool:
    return membership is not None and membership.has_role(Role.HR)


def can_configure(membership) -> bool:
    return membership is not None and membership.has_role(*SETTINGS_ROLES)


def abilities(membership) -> dict[str, bool]:
    return {
        "view_all": can_view_all_ledgers(membership),
        "correct": can_correct(membership),
        "import": can_import(membership),
        "configure": can_configure(membership),
    }
