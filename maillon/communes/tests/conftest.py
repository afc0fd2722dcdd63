import pytest

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.communes import services
from maillon.communes.demo import _siret
from maillon.organisations.models import Organisation, Sector
from maillon.testing import make_member


def row(n: int, **changes) -> dict:
    data = {"name": f"Commune des Essais {n}", "insee_code": f"32{n:03d}", "siret": _siret(n), "population": "350",
            "mayor_name": "Apolline Testevin", "secretary_email": f"mairie{n}@exemple.test"}
    data.update(changes)
    return data


def membership_of(user, organisation):
    return Membership.objects.with_roles().select_related("organisation", "user").get(user=user, organisation=organisation)


class Groupements:
    """Two groupements, each with a coordinator; the first hosts two communes (« une », « deux »),
    the second one (« ailleurs »); each commune's secretary is its admin and director."""

    def __init__(self):
        self.main = Organisation.objects.create(name="Syndicat des Essais", slug="syndicat-essais", kind=Organisation.Kind.GROUPEMENT)
        self.other = Organisation.objects.create(name="Autre syndicat", slug="autre-syndicat", kind=Organisation.Kind.GROUPEMENT)
        for organisation in (self.main, self.other):
            Sector.objects.create(organisation=organisation, name="Secteur Enfance")
        self.coordinator = make_member(self.main, Role.COORDINATOR, username="coordo")
        self.staff_only = make_member(self.main, username="simple")
        self.other_coordinator = make_member(self.other, Role.COORDINATOR, username="coordo2")
        self.one = services.provision(self.membership(self.coordinator), row(1))
        self.two = services.provision(self.membership(self.coordinator), row(2))
        self.elsewhere = services.provision(self.membership(self.other_coordinator), row(3))
        self.secretary = self.one.organisation.memberships.get().user

    def membership(self, user, organisation=None):
        return membership_of(user, organisation or (self.main if user != self.other_coordinator else self.other))


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return Groupements()
