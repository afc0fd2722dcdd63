import pytest

from maillon.accounts.roles import Role as OrgRole
from maillon.organisations.models import Federation
from maillon.spaces import services
from maillon.spaces.models import Role
from maillon.testing import OrganisationFactory, make_member


class World:
    """A space owned by ``people.other_org`` (« Autre centre ») with ``people.owner`` of « Essais »
    as a contributor: the cross-organisation case. ``host`` is the other centre's coordinator."""

    def __init__(self, people):
        self.people = people
        self.host = make_member(people.other_org, OrgRole.COORDINATOR, sector_name="Secteur Enfance", username="hote")
        self.host_membership = self.host.memberships.with_roles().get(organisation=people.other_org)
        self.space = services.create_space(membership=self.host_membership, name="Groupe numérique", theme="Inclusion")
        services.add_member(self.space, people.owner, role=Role.CONTRIBUTOR, actor=self.host)
        self.third = OrganisationFactory(name="Troisième centre", slug="troisieme")
        self.stranger = make_member(self.third, sector_name="Secteur Enfance", username="etranger")


@pytest.fixture
def world(people):
    return World(people)


@pytest.fixture
def federation(people):
    federation = Federation.objects.create(name="Fédération des essais", slug="fede-essais")
    people.org.federations.add(federation)
    people.other_org.federations.add(federation)
    return federation
