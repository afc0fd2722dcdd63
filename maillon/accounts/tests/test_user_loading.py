"""accounts.backends (issue 14): the request's person read through a compiled query is the one
Django's ModelBackend gives: the same person, nobody for an unknown id or an inactive account,
whatever the backend the session names."""

import pytest
from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from maillon.accounts import backends
from maillon.accounts.models import User
from maillon.testing import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_it_gives_the_person_django_gives(backend):
    alice, bob = UserFactory(), UserFactory()
    assert ModelBackend.get_user is backends.get_user  # installed by AccountsConfig.ready
    for person in (alice, bob):
        found = backend().get_user(person.pk)
        expected = backends._django_get_user(backend(), person.pk)
        assert found == expected == person
        assert (found.username, found.email, found.password, found.is_active) == (person.username, person.email, person.password, True)


def test_nobody_for_an_unknown_id_or_an_inactive_account():
    person = UserFactory()
    assert ModelBackend().get_user(person.pk + 1000) is None
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert ModelBackend().get_user(person.pk) is None
    assert backends._django_get_user(ModelBackend(), person.pk) is None


def test_an_id_that_is_not_an_int_goes_the_orm_way():
    person = UserFactory()
    assert ModelBackend().get_user(str(person.pk)) == person
    assert ModelBackend().get_user(None) is None


def test_a_deactivated_person_is_logged_out_at_the_next_request(people, login):
    client = login(people.owner)
    assert client.get("/essais/tableau-de-bord/").status_code == 200
    User.objects.filter(pk=people.owner.pk).update(is_active=False)
    assert client.get("/essais/tableau-de-bord/").status_code == 302
