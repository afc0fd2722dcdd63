import pytest

from maillon.accounts.roles import Role
from maillon.mailings import segments
from maillon.spaces.tests.conftest import World


class Senders:
    """``director`` and ``communication`` of « Essais » (people.org), ``world``: a space of the other
    centre hosted by ``world.host`` (a coordinator there) with ``people.owner`` of « Essais » in it."""

    def __init__(self, people):
        self.people = people
        self.director = people.with_role(Role.DIRECTOR)
        self.communication = people.with_role(Role.COMMUNICATION)
        self.world = World(people)

    def scope(self, user, organisation=None):
        membership = user.memberships.with_roles().get(organisation=organisation or self.people.org)
        return segments.scope_for(membership)


@pytest.fixture
def senders(people):
    return Senders(people)
