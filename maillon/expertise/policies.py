"""Who finds whom in the skills directory, and who edits its taxonomy.

Finding people (``findable_people``): a person finds their colleagues (the active members of their
own organisations) and the people who share at least one space with them, whatever their
organisation (a space's members are counted the three ways of ``spaces.models``: added by name,
through an organisation that accepted, through the federation of a space open to it). A person who
chose to be hidden is found by nobody but themselves. Nobody else is found, and a guessed id is a 404.

Editing the taxonomy (decision of issue 17): a federation's domains and skills are edited by the
hosts of that federation's open spaces and by the directors and administrators of a
federation-kind organisation (a federation office) belonging to that federation. The whole
instance's taxonomy (no federation) is edited by the platform's superusers only: it is shared by
every federation, so no one federation changes it for the others.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role as OrgRole
from maillon.organisations.models import Federation, Organisation
from maillon.spaces.models import Role, Space, SpaceMember, SpaceOrganisation, _active_organisations

from .models import Domain, Profile

TAXONOMY_ROLES = frozenset({OrgRole.DIRECTOR, OrgRole.ADMIN})


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated


def reach(viewer) -> tuple[list[int], list[int]]:
    """The spaces ``viewer`` is a member of, and the organisations whose active members they find
    (their own, those that accepted one of these spaces, those of the federation of a space open to
    it): two small queries, whose lists keep the people query simple to build and to plan."""
    spaces = list(Space.objects.visible_to(viewer).values_list("pk", "visibility", "federation_id"))
    space_ids = [pk for pk, _visibility, _federation in spaces]
    open_federations = sorted({federation for _pk, visibility, federation in spaces
                               if visibility == Space.Visibility.FEDERATION and federation})
    organisations = _active_organisations(viewer).order_by().values_list("organisation", flat=True).union(
        SpaceOrganisation.objects.filter(space_id__in=space_ids, accepted_at__isnull=False).order_by().values_list("organisation", flat=True),
        Organisation.federations.through.objects.filter(federation_id__in=open_federations).order_by()
        .values_list("organisation", flat=True))
    return space_ids, list(organisations)


def findable_people(viewer):
    """The people ``viewer`` may find (themselves included), as one queryset without duplicates."""
    User = get_user_model()
    if not _authenticated(viewer):
        return User.objects.none()
    space_ids, organisation_ids = reach(viewer)
    reachable = Membership.objects.active().filter(user=OuterRef("pk"), organisation_id__in=organisation_ids,
                                                   organisation__is_active=True)
    added = SpaceMember.objects.filter(user=OuterRef("pk"), space_id__in=space_ids)
    hidden = Profile.objects.filter(user=OuterRef("pk"), hidden=True)
    return (User.objects.filter(is_active=True).filter(Exists(reachable) | Exists(added))
            .filter(Q(pk=viewer.pk) | ~Exists(hidden)))


def can_see_person(viewer, person) -> bool:
    return _authenticated(viewer) and findable_people(viewer).filter(pk=person.pk).exists()


def visible_federations(user):
    """Federations whose taxonomy ``user`` reads: those of their organisations and of their spaces."""
    if not _authenticated(user):
        return Federation.objects.none()
    organisations = _active_organisations(user)
    spaces = Space.objects.visible_to(user).filter(federation__isnull=False).values("federation")
    return Federation.objects.filter(Q(organisations__in=organisations) | Q(pk__in=spaces)).distinct()


def visible_domains(user):
    """The instance's domains and those of the user's federations."""
    if not _authenticated(user):
        return Domain.objects.none()
    return Domain.objects.filter(Q(federation__isnull=True) | Q(federation__in=visible_federations(user).values("pk")))


def editable_federations(user):
    """Federations whose taxonomy ``user`` edits: hosts of an open space of the federation,
    directors and administrators of a federation office of it."""
    if not _authenticated(user):
        return Federation.objects.none()
    hosted = SpaceMember.objects.filter(user=user, role=Role.HOST, space__archived_at__isnull=True,
                                        space__federation__isnull=False).values("space__federation")
    offices = Membership.objects.active().filter(
        user=user, organisation__is_active=True, organisation__kind=Organisation.Kind.FEDERATION,
        role_assignments__role__in=TAXONOMY_ROLES).values("organisation")
    return Federation.objects.filter(Q(pk__in=hosted) | Q(organisations__in=offices)).distinct()


def can_edit_instance_taxonomy(user) -> bool:
    return _authenticated(user) and user.is_superuser


def can_edit_domain(user, domain: Domain) -> bool:
    if domain.federation_id is None:
        return can_edit_instance_taxonomy(user)
    return editable_federations(user).filter(pk=domain.federation_id).exists()


def can_edit_taxonomy(user) -> bool:
    """Whether ``user`` edits any taxonomy at all (the « new domain » form)."""
    return can_edit_instance_taxonomy(user) or editable_federations(user).exists()


def editable_domains(user):
    if can_edit_instance_taxonomy(user):
        return Domain.objects.filter(Q(federation__isnull=True) | Q(federation__in=editable_federations(user).values("pk")))
    return Domain.objects.filter(federation__in=editable_federations(user).values("pk"))
