import pytest

from maillon.kb import services
from maillon.spaces import services as space_services
from maillon.spaces.models import Role
from maillon.spaces.tests.conftest import World


class KbWorld(World):
    """The spaces' world (a space of « Autre centre » with ``people.owner`` of « Essais » as a
    contributor, ``host``, ``stranger``) plus a reader, a second space of the same host whose
    members are others, and a page in each."""

    def __init__(self, people):
        super().__init__(people)
        self.reader = people.colleague
        space_services.add_member(self.space, self.reader, role=Role.READER, actor=self.host)
        self.page = services.create_page(self.space, Role.HOST, self.host, title="Démarches CAF", body="Déclarer ses **ressources**.")
        self.other_space = space_services.create_space(membership=self.host_membership, name="Parentalité", theme="Familles")
        self.other_page = services.create_page(self.other_space, Role.HOST, self.host, title="Secret de l'autre espace",
                                               body="Confidentiel : formations des bénévoles.")


@pytest.fixture
def kb(people):
    return KbWorld(people)
