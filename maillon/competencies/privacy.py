"""Who reads a logbook entry (issue 18). Decided here, used by every part (logbook, publications).

- The **author** always reads their own entries, drafts included, even after leaving the group.
- A **draft** is read by its author only, whatever its visibility.
- « **Only me** » (private): the author only.
- « **My coordinator** »: the author and the coordinator named on the author's participation in the
  framework (the current one: when the coordinator changes, the new one reads, the old one no longer
  does). Editors of the framework do *not* read them unless they are that coordinator: the person
  chose one reader.
- « **The group** »: the framework's readers who belong to the group, that is its active
  participants, its editors (director, coordinators, space hosts: they compile the narratives) and
  the coordinators named on an active participation. A member of the linked space who neither takes
  part nor edits reads the framework but no entry.

Nobody else: a colleague who does not take part, another organisation's people (unless the
framework is shared with them through a space *and* they take part) read nothing, and a guessed id
is a 404 (views fetch entries through ``entries_visible_to``).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Entry, Framework, Participant
from .policies import Access, access


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated


def coordinates_in(user, framework: Framework) -> bool:
    """Whether ``user`` is the named coordinator of an active participant of ``framework``."""
    return Participant.objects.filter(framework=framework, coordinator=user, is_active=True).exists()


def reads_group(user, framework: Framework, rights: Access) -> bool:
    """Whether ``user`` reads the entries shared with the group (see the module's docstring)."""
    if not rights.can_read:
        return False
    return rights.can_edit or rights.participant is not None or coordinates_in(user, framework)


def entries_visible_to(user, framework: Framework, rights: Access | None = None) -> QuerySet[Entry]:
    """The entries of ``framework`` that ``user`` reads, as one queryset (no duplicates). Pass the
    request's ``policies.access`` result as ``rights`` to save its queries."""
    if not _authenticated(user) or framework is None:
        return Entry.objects.none()
    rights = rights if rights is not None else access(user, framework)
    entries = Entry.objects.filter(framework=framework)
    readable = Q(author=user)
    if rights.can_read:
        coordinated = Participant.objects.filter(framework=framework, user=OuterRef("author"), coordinator=user)
        shared = Q(visibility=Entry.Visibility.COORDINATOR) & Exists(coordinated)
        if reads_group(user, framework, rights):
            shared |= Q(visibility=Entry.Visibility.GROUP)
        readable |= Q(is_draft=False) & shared
    return entries.filter(readable)


def can_read_entry(user, entry: Entry, rights: Access | None = None) -> bool:
    """The same rule as ``entries_visible_to`` for one entry already loaded (a query or two at most)."""
    if not _authenticated(user):
        return False
    if entry.author_id == user.pk:
        return True
    if entry.is_draft or entry.visibility == Entry.Visibility.PRIVATE:
        return False
    rights = rights if rights is not None else access(user, entry.framework)
    if not rights.can_read:
        return False
    if entry.visibility == Entry.Visibility.GROUP:
        return reads_group(user, entry.framework, rights)
    return Participant.objects.filter(framework_id=entry.framework_id, user_id=entry.author_id, coordinator=user).exists()
