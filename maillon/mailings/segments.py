"""Who a mailing goes to: a segment built from criteria, in a small registry another app extends.

A sender reaches a set of people (their ``Scope``): directors and communication officers reach
the active members of their organisation (for a federation office: of every organisation of its
federations) and the members of the spaces they host; a space host who holds neither role reaches
only the members of the spaces they host, and may use only the criteria marked ``for_hosts``.

Each criterion gives the values a sender may pick (``choices(scope)``) and, for the picked values,
a ``Q`` on users. The segment is the people of the scope matching every criterion that has values
(AND between criteria, OR between the values of one), who are active and have an e-mail address.

Another app adds a criterion in its ``AppConfig.ready()``::

    from maillon.mailings.segments import Criterion, register_criterion
    register_criterion(Criterion("skills", _("Skills"), choices=…, users=…, order=50))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation

FULL_ROLES = frozenset({Role.DIRECTOR, Role.COMMUNICATION})


@dataclass
class Scope:
    """What one sender may reach, computed once per page (three small queries)."""

    organisation: Organisation
    user: Any
    full: bool
    organisations: list[Organisation] = field(default_factory=list)
    spaces: list = field(default_factory=list)

    @property
    def organisation_ids(self) -> list[int]:
        return [o.pk for o in self.organisations]

    @property
    def space_ids(self) -> list[int]:
        return [s.pk for s in self.spaces]


def hosted_spaces(user) -> list:
    """The spaces ``user`` hosts and that are not archived (hosts are added by name: SpaceMember)."""
    from maillon.spaces.models import Role as SpaceRole
    from maillon.spaces.models import Space

    return list(Space.objects.active().filter(members__user=user, members__role=SpaceRole.HOST).order_by("name"))


def reachable_organisations(organisation: Organisation) -> list[Organisation]:
    """The organisation itself; a federation office also reaches its federations' organisations."""
    if organisation.kind != Organisation.Kind.FEDERATION:
        return [organisation]
    others = Organisation.objects.filter(is_active=True, federations__organisations=organisation).distinct()
    return sorted({organisation, *others}, key=lambda o: o.name)


def scope_for(membership) -> Scope:
    organisation, user = membership.organisation, membership.user
    full = membership.has_role(*FULL_ROLES)
    return Scope(organisation=organisation, user=user, full=full,
                 organisations=reachable_organisations(organisation) if full else [],
                 spaces=hosted_spaces(user))


def members_of(organisation_ids) -> QuerySet:
    return Membership.objects.active().filter(organisation__in=organisation_ids, organisation__is_active=True).values("user")


def space_members(space_ids) -> Q:
    """Members of these spaces: those added by name, and the active members of the organisations
    that accepted the space's invitation (federation-wide readers are not « members » here)."""
    from maillon.spaces.models import SpaceMember, SpaceOrganisation

    accepted = SpaceOrganisation.objects.filter(space__in=space_ids, accepted_at__isnull=False).values("organisation")
    return Q(pk__in=SpaceMember.objects.filter(space__in=space_ids).values("user")) | Q(pk__in=members_of(accepted))


@dataclass(frozen=True)
class Criterion:
    key: str
    label: Any
    choices: Callable[[Scope], list[tuple[str, str]]]
    users: Callable[[Scope, list[str]], Q]
    order: int = 100
    for_hosts: bool = False
    help_text: Any = ""


CRITERIA: dict[str, Criterion] = {}


def register_criterion(criterion: Criterion) -> None:
    CRITERIA[criterion.key] = criterion


def criteria_for(scope: Scope) -> list[Criterion]:
    return [c for c in sorted(CRITERIA.values(), key=lambda c: (c.order, c.key)) if scope.full or c.for_hosts]


def universe(scope: Scope) -> Q:
    q = space_members(scope.space_ids) if scope.spaces else Q(pk__in=[])
    if scope.full:
        q |= Q(pk__in=members_of(scope.organisation_ids))
    return q


def recipients(scope: Scope, criteria: dict[str, list[str]]) -> QuerySet:
    """The people the segment reaches, by name. ``criteria`` must be valid for ``scope``
    (``clean_criteria``): values outside a criterion's choices are not checked here."""
    people = get_user_model().objects.filter(is_active=True).exclude(email="").filter(universe(scope))
    for criterion in criteria_for(scope):
        values = criteria.get(criterion.key) or []
        if values:
            people = people.filter(criterion.users(scope, values))
    return people.order_by("last_name", "first_name", "pk")


def clean_criteria(scope: Scope, criteria: dict) -> dict[str, list[str]]:
    """Keep only the criteria and values this sender may use (what a form already checked;
    a mailing sent later by someone else is read through this again)."""
    cleaned = {}
    for criterion in criteria_for(scope):
        allowed = {str(value) for value, _label in criterion.choices(scope)}
        values = [str(v) for v in (criteria or {}).get(criterion.key) or [] if str(v) in allowed]
        if values:
            cleaned[criterion.key] = values
    return cleaned


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


# ---------------------------------------------------------------- the built-in criteria

def _organisation_choices(scope: Scope):
    return [(str(o.pk), o.name) for o in scope.organisations]


def _kind_choices(scope: Scope):
    kinds = {o.kind for o in scope.organisations}
    return [(value, label) for value, label in Organisation.Kind.choices if value in kinds]


def _role_choices(scope: Scope):
    return list(Role.choices)


def _space_choices(scope: Scope):
    return [(str(s.pk), s.name) for s in scope.spaces]


def _by_kind(scope: Scope, values) -> Q:
    ids = [o.pk for o in scope.organisations if o.kind in values]
    return Q(pk__in=members_of(ids))


def _by_role(scope: Scope, values) -> Q:
    holders = RoleAssignment.objects.filter(
        role__in=values, membership__is_active=True, membership__organisation__in=scope.organisation_ids,
        membership__organisation__is_active=True)
    return Q(pk__in=holders.values("membership__user"))


register_criterion(Criterion("organisations", _("Organisations"), _organisation_choices,
                             lambda scope, values: Q(pk__in=members_of(_ids(values))), order=10))
register_criterion(Criterion("kinds", _("Kinds of organisation"), _kind_choices, _by_kind, order=20))
register_criterion(Criterion("roles", _("Roles"), _role_choices, _by_role, order=30))
register_criterion(Criterion("spaces", _("Spaces"), _space_choices,
                             lambda scope, values: space_members(_ids(values)), order=40, for_hosts=True,
                             help_text=_("Members of the spaces you host.")))


# ---------------------------------------------------------------- skills (the expertise app's directory)

def _skill_choices(scope: Scope):
    from maillon.expertise.models import Skill
    from maillon.expertise.policies import visible_domains

    skills = Skill.objects.filter(domain__in=visible_domains(scope.user)).select_related("domain").order_by("domain__name", "name")
    return [(str(s.pk), f"{s.domain.name} › {s.name}") for s in skills]


def _by_skill(scope: Scope, values) -> Q:
    """People who declared one of the skills and accepted to be contacted about it, never those who
    hid themselves, and only people the sender may find in the directory (the expertise app's rule)."""
    from maillon.expertise.services import people_with_skills

    return Q(pk__in=people_with_skills(_ids(values), visible_to=scope.user).values("pk"))


def register_skills() -> None:
    """Called by apps.py when the expertise app is installed."""
    register_criterion(Criterion("skills", _("Skills"), _skill_choices, _by_skill, order=50, for_hosts=True,
                                 help_text=_("People who declared the skill and accept to be contacted about it.")))
