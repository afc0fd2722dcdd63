import pytest
from django.core.cache import cache
from django.test.client import ClientMixin

from maillon.accounts.sessions import mark_opened_by_allauth
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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (rate-limit counters, cached figures), except the
    organisations' host map, which stays warm as on a running server and is set again for the
    whole test: a map another test left could otherwise expire in the middle of this one and add
    a query to a count, once in a few hundred runs. A test that gives an organisation its own
    domain forgets the map (Organisation.save)."""
    from maillon.organisations.middleware import HOST_MAP_CACHE_KEY, HOST_MAP_SECONDS

    kept = cache.get(HOST_MAP_CACHE_KEY)
    cache.clear()
    if kept is not None:
        cache.set(HOST_MAP_CACHE_KEY, kept, HOST_MAP_SECONDS)


@pytest.fixture(autouse=True)
def _force_login_as_allauth(monkeypatch):
    """``force_login`` stands for a login through allauth (MFA passed): sessions opened any
    other way are closed by ``AllauthSessionMiddleware``. A test of that removes the mark."""
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        mark_opened_by_allauth(session, user)
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
