import pytest

from maillon.testing import build_people
from maillon.testing_browser import browser  # noqa: F401  (the shared headless Chromium fixture)


@pytest.fixture
def people(db):
    return build_people()


@pytest.fixture
def org(people):
    return people.org


@pytest.fixture
def login(client):
    """``login(user)`` → the test client, logged in as ``user``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login

