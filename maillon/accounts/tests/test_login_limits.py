"""Failed logins are limited per person first (issue 12, item 8): staff of a centre share one
public address, so one person's typos must not lock the others out."""

import re

import pytest

from maillon.testing import TEST_PASSWORD

LOGIN = "/comptes/login/"
CENTRE = "192.0.2.10"


def attempt(client, login, password="mauvais", address=CENTRE):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=address)


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def fresh_client(client):
    def _fresh():
        client.logout()
        return client
    return _fresh


def test_a_colleague_still_logs_in_after_someone_fails_ten_times_from_the_same_address(people, client, fresh_client):
    for _ in range(10):
        attempt(client, "proprietaire")
    response = attempt(client, "proprietaire", TEST_PASSWORD)
    assert not logged_in(client)
    assert "Réessayez dans 5 minutes" in response.content.decode()

    attempt(fresh_client(), people.colleague.username, TEST_PASSWORD)
    assert logged_in(client)


def test_the_locked_person_is_told_how_long_to_wait_in_french(people, client):
    for _ in range(5):
        response = attempt(client, "proprietaire")
        assert "Trop de tentatives" not in response.content.decode()
    page = attempt(client, "proprietaire").content.decode()
    assert re.search(r"Trop de tentatives de connexion\. Réessayez dans [1-5] minutes?\.", page)


def test_forty_failures_of_different_accounts_from_one_address_do_not_lock_it(people, client, fresh_client):
    for n in range(40):
        attempt(client, f"inconnu{n}")
    attempt(fresh_client(), people.colleague.username, TEST_PASSWORD)
    assert logged_in(client)


def test_one_account_is_locked_when_guessed_from_many_addresses(people, client):
    for n in range(20):
        attempt(client, "proprietaire", address=f"198.51.100.{n}")
    response = attempt(client, "proprietaire", TEST_PASSWORD, address="203.0.113.7")
    assert not logged_in(client)
    assert "Trop de tentatives de connexion" in response.content.decode()


def test_an_address_that_guesses_a_hundred_accounts_is_stopped(people, client):
    for n in range(100):
        attempt(client, f"inconnu{n}")
    attempt(client, people.colleague.username, TEST_PASSWORD)
    assert not logged_in(client)
    attempt(client, people.colleague.username, TEST_PASSWORD, address="203.0.113.8")
    assert logged_in(client)


def test_a_successful_login_takes_its_attempt_back(people, client, fresh_client):
    for _ in range(4):
        attempt(client, "proprietaire")
    for _ in range(3):
        attempt(fresh_client(), "proprietaire", TEST_PASSWORD)
        assert logged_in(client)
    attempt(fresh_client(), "proprietaire")
    attempt(fresh_client(), "proprietaire", TEST_PASSWORD)
    assert not logged_in(client)  # the 5 failures are reached: successes did not count
