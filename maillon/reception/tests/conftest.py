import pytest

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.testing import make_member


class Desk:
    def __init__(self, people):
        self.people = people
        self.org = people.org
        self.agent = make_member(people.org, Role.RECEPTION, sector_name=None, username="agent", email="agent@exemple.test")
        self.outsider_agent = make_member(people.other_org, Role.RECEPTION, sector_name=None, username="agent.autre")

    def membership(self, user, org=None):
        return Membership.objects.with_roles().select_related("organisation", "user").get(user=user, organisation=org or self.org)


@pytest.fixture
def desk(people):
    return Desk(people)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the on_commit callbacks (live events, e-mails) as the request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
