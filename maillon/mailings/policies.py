"""Who may send mailings (views and templates use these functions).

- Directors and communication officers of an organisation: every criterion, every mailing of
  their organisation, the monthly newsletter.
- A space host who holds neither role: mailings to the members of the spaces they host, from
  their own organisation's pages; they see only the mailings they wrote.
- Everyone else (staff, HR, …): nothing.
"""

from __future__ import annotations

from .segments import FULL_ROLES, Scope


def is_full_sender(membership) -> bool:
    return membership is not None and membership.has_role(*FULL_ROLES)


def can_use(scope: Scope) -> bool:
    return scope.full or bool(scope.spaces)


def can_compose_newsletter(scope: Scope) -> bool:
    return scope.full


def can_compose_space_newsletter(scope: Scope, space) -> bool:
    """A space's monthly newsletter: its hosts (the spaces of their scope), for its members."""
    return space.pk in scope.space_ids


def can_see(scope: Scope, mailing) -> bool:
    return mailing.organisation_id == scope.organisation.pk and (scope.full or mailing.created_by_id == scope.user.pk)


def visible_mailings(scope: Scope, queryset):
    queryset = queryset.for_organisation(scope.organisation)
    return queryset if scope.full else queryset.filter(created_by=scope.user)


def can_change(scope: Scope, mailing) -> bool:
    """A draft is changed, tested and sent by those who see it."""
    return mailing.is_draft and can_see(scope, mailing)
