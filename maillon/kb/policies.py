"""Who may do what in a space's knowledge base: the space's rules (spaces.policies), nothing more.
Members read pages, history, diffs and attachments; hosts and contributors write (new page,
new version, restore, move, attachments) while the space is not archived."""

from __future__ import annotations

from maillon.spaces import policies as space_policies


def can_read(role: str | None) -> bool:
    return space_policies.can_read(role)


def can_write(space, role: str | None) -> bool:
    return space_policies.can_contribute(space, role)
