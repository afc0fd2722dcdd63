"""Who may do what in a space's knowledge base: the space's rules (spaces.policies), nothing more.
Members read pages, history, diffs and attachments; hosts and contributors write (new page,
new version, restore, move, attachments) while the space is not archived; a page is deleted by
a host, or by its author while they may still write."""

from __future__ import annotations

from maillon.spaces import policies as space_policies
from maillon.spaces.models import Role


def can_read(role: str | None) -> bool:
    return space_policies.can_read(role)


def can_write(space, role: str | None) -> bool:
    return space_policies.can_contribute(space, role)


def can_delete(space, role: str | None, page, user) -> bool:
    return can_write(space, role) and (role == Role.HOST or (page.created_by_id is not None and page.created_by_id == user.pk))
