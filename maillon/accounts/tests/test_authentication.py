"""Logging in: username or e-mail, password reset by e-mail, password policy, mandatory MFA,
session lifetime."""

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maillon.accounts.passwords import CnilPasswordValidator
from maillon.accounts.roles import Role
from maillon.testing import TEST_PASSWORD, make_member

LOGIN = "/comptes/login/"


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_it_logs_in_with_the_username(people, client):
    response = client.post(LOGIN, {"login": "proprietaire", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert logged_in_as(client) == str(people.owner.pk)


def test_it_logs_in_with_the_email_whatever_its_case(people, client):
    response = client.post(LOGIN, {"login": people.owner.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert logged_in_as(client) == str(people.owner.pk)


def test_it_refuses_a_wrong_password_with_a_french_message(people, client):
    response = client.post(LOGIN, {"login": "proprietaire", "password": "pas-le-bon"})
    assert response.status_code == 200
    assert logged_in_as(client) is None
    assert "incorrect" in response.content.decode()


@pytest.mark.parametrize("login", ["proprietaire", "inconnu", "inconnu@exemple.fr"])
def test_the_wrong_login_message_names_the_identifiant_field_not_a_pseudo(people, client, login):
    page = client.post(LOGIN, {"login": login, "password": "pas-le-bon"}).content.decode()
    assert "L’identifiant ou le mot de passe est incorrect." in page and "pseudo" not in page


def test_it_refuses_a_deactivated_account(people, client):
    people.owner.is_active = False
    people.owner.save()
    client.post(LOGIN, {"login": "proprietaire", "password": TEST_PASSWORD})
    assert logged_in_as(client) is None


def test_it_resets_a_forgotten_password_by_email(people, client):
    response = client.post("/comptes/password/reset/", {"email": people.owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"/comptes/password/reset/key/[^\s]+", mail.outbox[0].body).group(0)
    form = client.get(path, follow=True)
    assert form.status_code == 200
    new_password = "Nouveau-Mot-de-passe-2026!"
    response = client.post(form.redirect_chain[-1][0] if form.redirect_chain else path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    people.owner.refresh_from_db()
    assert people.owner.check_password(new_password)


def test_it_does_not_reveal_whether_an_email_has_an_account(people, client):
    unknown = client.post("/comptes/password/reset/", {"email": "personne@inconnu.test"})
    known = client.post("/comptes/password/reset/", {"email": people.owner.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]


def test_public_sign_up_is_closed(client, db):
    response = client.get("/comptes/signup/")
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 302, 403}
    assert 'name="password2"' not in response.content.decode()


@pytest.mark.parametrize("password", ["Court-1!", "motdepassesansmajuscule1!", "SansChiffres-Ni-Rien", "Abcdefghij12"])
def test_the_policy_refuses_weak_passwords(password):
    with pytest.raises(ValidationError):
        CnilPasswordValidator().validate(password)


@pytest.mark.parametrize("password", ["Tilleuls-2026!", "Marronniers2026Ete", "le chat dort sur le vieux banc vert"])
def test_the_policy_accepts_strong_passwords(password):
    CnilPasswordValidator().validate(password)


@given(st.text(min_size=0, max_size=11))
def test_no_password_under_twelve_characters_is_accepted(password):
    with pytest.raises(ValidationError):
        CnilPasswordValidator().validate(password)


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=6),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=6),
    st.text(alphabet="0123456789", min_size=3, max_size=6),
    st.sampled_from("!?#$%&*+-=@"),
)
def test_every_twelve_character_mix_of_four_classes_is_accepted(lower, upper, digits, special):
    password = (lower + upper + digits + special).ljust(12, "x")
    CnilPasswordValidator().validate(password)


@pytest.mark.parametrize("role", [Role.HR, Role.DIRECTOR, Role.ADMIN])
def test_it_sends_sensitive_roles_without_mfa_to_the_mfa_setup(people, login, role):
    user = make_member(people.org, role)  # no authenticator
    client = login(user)
    response = client.get("/essais/tableau-de-bord/")
    assert response.status_code == 302
    assert response["Location"] == "/comptes/2fa/"
    assert client.get("/api/v1/me").status_code == 403


@pytest.mark.parametrize("role", [Role.STAFF, Role.COORDINATOR, Role.RECEPTION, Role.COMMUNICATION])
def test_it_lets_other_roles_work_without_mfa(people, login, role):
    user = make_member(people.org, role)
    assert login(user).get("/essais/tableau-de-bord/").status_code == 200


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def test_a_person_with_totp_must_give_the_code_to_log_in(people, client):
    hr = people.with_role(Role.HR)  # gets the TOTP secret JBSWY3DPEHPK3PXP
    response = client.post(LOGIN, {"login": hr.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/2fa/authenticate/")
    assert logged_in_as(client) is None
    wrong = client.post("/comptes/2fa/authenticate/", {"code": "000000" if current_code("JBSWY3DPEHPK3PXP") != "000000" else "111111"})
    assert logged_in_as(client) is None
    assert wrong.status_code == 200
    client.post("/comptes/2fa/authenticate/", {"code": current_code("JBSWY3DPEHPK3PXP")})
    assert logged_in_as(client) == str(hr.pk)
    assert client.get("/essais/tableau-de-bord/").status_code == 200


def test_sessions_end_with_the_browser_and_after_a_working_day(people, client):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
    response = client.post(LOGIN, {"login": "proprietaire", "password": TEST_PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]
