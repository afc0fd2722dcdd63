"""Who sees and who edits a competency framework (issue 18).

Reading a framework: the editors of its organisation (below), its active participants (while they
belong to the organisation they take part for), and, when the framework is linked to a space, every
member of that space whatever their organisation (``spaces.policies.role_in``). Nobody else: a
guessed id is a 404, the same answer as for a framework that does not exist.

Editing a framework (levels, profiles, domains, competencies, participants, editions, import): the
director and the coordinators (any sector) of the organisation that owns it, and the hosts of the
space it is linked to.

Proposing a competency from practice: anyone who reads the framework and takes part in it, and the
editors.

``participant_for(user, framework)`` is the person's active participation, ``is_coordinator_of``
says whether ``user`` coordinates ``participant`` (their named coordinator).
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role as OrgRole
from maillon.spaces import policies as space_policies
from maillon.spaces.models import Role as SpaceRole
from maillon.spaces.models import Space, SpaceMember, _active_organisations

from .models import Framework, Participant

EDITOR_ROLES = frozenset({OrgRole.DIRECTOR, OrgRole.COORDINATOR})


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated


def _editor_organisations(user):
    return (Membership.objects.active().filter(user=user, organisation__is_active=True, role_assignments__role__in=EDITOR_ROLES)
            .values("organisation"))


def frameworks_visible_to(user):
    """The frameworks ``user`` reads, as one queryset (subqueries, no duplicates)."""
    if not _authenticated(user):
        return Framework.objects.none()
    participating = Participant.objects.filter(framework=OuterRef("pk"), user=user, is_active=True,
                                               organisation__in=_active_organisations(user))
    return Framework.objects.filter(
        Q(organisation__in=_editor_organisations(user)) | Exists(participating) | Q(space__in=Space.objects.visible_to(user)))


def frameworks_edited_by(user):
    """The frameworks ``user`` edits."""
    if not _authenticated(user):
        return Framework.objects.none()
    hosted = SpaceMember.objects.filter(user=user, role=SpaceRole.HOST).values("space")
    return Framework.objects.filter(Q(organisation__in=_editor_organisations(user)) | Q(space__in=hosted))


def can_create(membership) -> bool:
    """Create a framework for the membership's organisation (from scratch, the template or an import)."""
    return membership is not None and membership.has_role(*EDITOR_ROLES)


def _editor_by_role(user, framework, membership=None) -> bool:
    if membership is not None and membership.organisation_id == framework.organisation_id and membership.user_id == user.pk:
        return membership.is_active and membership.has_role(*EDITOR_ROLES)
    return _editor_organisations(user).filter(organisation=framework.organisation_id).exists()


def participant_for(user, framework) -> Participant | None:
    """The person's active participation in ``framework`` (job profile and coordinator selected), or None."""
    if not _authenticated(user):
        return None
    return (Participant.objects.filter(framework=framework, user=user, is_active=True,
                                       organisation__in=_active_organisations(user))
            .select_related("profile", "coordinator").first())


def is_coordinator_of(user, participant) -> bool:
    """Whether ``user`` is the coordinator named on ``participant`` (who validates their assessments)."""
    return _authenticated(user) and participant is not None and participant.coordinator_id == user.pk


class Access:
    """What one person may do with one framework, worked out once per request; ``participant`` (the
    person's active participation, or None) is read only when asked for."""

    def __init__(self, *, user=None, framework=None, can_read: bool = False, can_edit: bool = False, space_role: str | None = None):
        self.user, self.framework = user, framework
        self.can_read, self.can_edit, self.space_role = can_read, can_edit, space_role

    @cached_property
    def participant(self) -> Participant | None:
        return participant_for(self.user, self.framework) if self.framework is not None else None

    @property
    def can_propose(self) -> bool:
        return self.can_edit or self.participant is not None


NO_ACCESS = Access()


def access(user, framework, membership=None) -> Access:
    """A handful of small queries; pass the request's membership to save one."""
    if not _authenticated(user) or framework is None:
        return NO_ACCESS
    space_role = space_policies.role_in(framework.space, user) if framework.space_id else None
    editor = _editor_by_role(user, framework, membership) or space_role == SpaceRole.HOST
    rights = Access(user=user, framework=framework, can_edit=editor, space_role=space_role)
    rights.can_read = editor or space_role is not None or rights.participant is not None
    return rights


def can_view(user, framework) -> bool:
    return access(user, framework).can_read


def can_edit(user, framework) -> bool:
    return access(user, framework).can_edit


def get_framework(user, pk, *, membership=None, edit: bool = False) -> tuple[Framework, Access]:
    """The framework ``pk`` with the user's access; 404 when they may not read it (or edit it, with
    ``edit``), the same answer as for a framework that does not exist."""
    try:
        framework = Framework.objects.select_related("organisation", "space").get(pk=int(pk))
    except (Framework.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    rights = access(user, framework, membership)
    if not rights.can_read or (edit and not rights.can_edit):
        raise Http404
    return framework, rights
