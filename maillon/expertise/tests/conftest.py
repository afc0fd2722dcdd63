import pytest

from maillon.expertise import services
from maillon.expertise.models import Domain, Level, Skill
from maillon.organisations.models import Federation
from maillon.spaces.tests.conftest import World


class Directory(World):
    """``World`` (a space of « Autre centre » with ``people.owner`` of « Essais » as contributor and
    ``host`` as its host), both centres in one federation whose taxonomy has a « Numérique » domain;
    skills declared by the host, the outsider (the host's colleague, in no space) and the owner's colleague."""

    def __init__(self, people):
        super().__init__(people)
        self.federation = Federation.objects.create(name="Fédération des essais", slug="fede-essais")
        people.org.federations.add(self.federation)
        people.other_org.federations.add(self.federation)
        self.space.federation = self.federation
        self.space.save(update_fields=["federation"])
        self.domain = Domain.objects.create(name="Numérique", federation=self.federation)
        self.online = Skill.objects.create(domain=self.domain, name="Démarches en ligne")
        self.tools = Skill.objects.create(domain=self.domain, name="Outils collaboratifs")
        self.host_online = services.declare(self.host, self.online, level=Level.EXPERT, note="Formateur des aidants", contactable=True)
        services.declare(self.people.outsider, self.online, level=Level.EXPERT, contactable=True)
        services.declare(self.people.colleague, self.online, level=Level.NOTIONS, note="Un peu", contactable=False)
        services.declare(self.people.colleague, self.tools, level=Level.PRACTICE, note="Nextcloud", contactable=True)


@pytest.fixture
def directory(people):
    return Directory(people)
