"""The people and framework the framework tests share (fixtures only; imported by test_framework*.py
and test_policies.py)."""

import pytest

from maillon.accounts.roles import Role as OrgRole
from maillon.competencies import framework as services
from maillon.spaces import services as space_services
from maillon.spaces.models import Role as SpaceRole
from maillon.testing import OrganisationFactory, make_member


class World:
    """« Essais » owns a framework made from the template. Its director and a coordinator edit it;
    ``participant`` (a colleague) takes part; ``owner`` is a member who does not; ``outsider``
    belongs to « Autre centre »; a space of « Autre centre » is linked later by ``share()``, with
    ``space_member`` (of a third organisation) in it and ``host`` its host."""

    def __init__(self, people):
        self.people = people
        self.org = people.org
        self.director = people.with_role(OrgRole.DIRECTOR, sector_name=None)
        self.coordinator = people.with_role(OrgRole.COORDINATOR)
        self.framework = services.create_from_template(organisation=self.org, actor=self.director)
        self.profiles = list(self.framework.profiles.all())
        self.participant_user = people.colleague
        self.participant = services.save_participant(self.framework, user=people.colleague, profile=self.profiles[0],
                                                     coordinator=self.coordinator, actor=self.director)
        self.third = OrganisationFactory(name="Troisième centre", slug="troisieme")
        self.space_member = make_member(self.third, sector_name="Secteur Enfance", username="membre_espace")
        self.host = make_member(people.other_org, OrgRole.COORDINATOR, sector_name="Secteur Enfance", username="hote")
        host_membership = self.host.memberships.with_roles().get(organisation=people.other_org)
        self.space = space_services.create_space(membership=host_membership, name="Groupe numérique")
        space_services.add_member(self.space, self.space_member, role=SpaceRole.CONTRIBUTOR, actor=self.host)
        space_services.add_member(self.space, self.director, role=SpaceRole.CONTRIBUTOR, actor=self.host)

    def share(self):
        self.framework.space = self.space
        self.framework.save(update_fields=["space"])

    def url(self, suffix: str = "", org=None) -> str:
        return f"/{(org or self.org).slug}/parcours/referentiel/{self.framework.pk}/{suffix}"


@pytest.fixture(name="world")
def world_fixture(people):
    return World(people)
