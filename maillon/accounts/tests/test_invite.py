"""Inviting staff: new person with a set-password link, or an existing person added."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.accounts.services import derive_username
from maillon.audit.models import AuditEntry
from maillon.testing import TEST_PASSWORD, UserFactory, sector

User = get_user_model()
URL = "/essais/admin/membres/inviter/"
NEW_PASSWORD = "Un-Nouveau-Mot-2026!"


def invite_data(**overrides):
    data = {"first_name": "Camille", "last_name": "Dupré", "email": "camille.dupre@exemple.test", "username": "",
            "sector": "", "job_title": "Animatrice", "roles": ["staff"]}
    data.update(overrides)
    return data


def test_it_invites_a_new_person_who_follows_the_link_sets_a_password_and_signs_in(people, login, client, django_capture_on_commit_callbacks):
    enfance = sector(people.org, "Secteur Enfance")
    hr_client = login(people.with_role(Role.HR))
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(URL, invite_data(sector=enfance.pk, roles=["staff", "coordinator"], coordinator_sectors=[enfance.pk]))
    assert response.status_code == 302
    user = User.objects.get(email="camille.dupre@exemple.test")
    assert user.username == "camille.dupre" and not user.has_usable_password()
    membership = Membership.objects.with_roles().get(user=user, organisation=people.org)
    assert membership.sector == enfance and membership.job_title == "Animatrice"
    assert membership.roles == {"staff", "coordinator"} and membership.sectors_for("coordinator") == [enfance]
    assert AuditEntry.objects.filter(action="membership.invite", target_id=str(membership.pk)).exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille.dupre@exemple.test"]
    assert "Centre social des Essais" in message.subject
    assert "camille.dupre" in message.body
    link = re.search(r"https?://\S+/comptes/password/reset/key/\S+", message.body).group(0)
    path = "/" + link.split("/", 3)[3]

    client.logout()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    response = client.post("/comptes/login/", {"login": "camille.dupre", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/essais/tableau-de-bord/").status_code == 200
    # The link works only once
    client.logout()
    again = client.get(path, follow=True)
    assert again.context["token_fail"] is True


def test_it_adds_a_person_of_another_organisation_without_creating_a_second_account(people, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people.with_role(Role.ADMIN)).post(URL, invite_data(email=people.outsider.email.upper()))
    assert response.status_code == 302
    assert User.objects.filter(email__iexact=people.outsider.email).count() == 1
    assert set(Membership.objects.filter(user=people.outsider).values_list("organisation__slug", flat=True)) == {"essais", "autre"}
    people.outsider.refresh_from_db()
    assert people.outsider.check_password(TEST_PASSWORD)  # untouched
    # No set-password link: they have a password; an in-app notification instead
    assert "password/reset" not in "".join(m.body for m in mail.outbox)
    assert people.outsider.notifications.filter(organisation=people.org).exists()


def test_it_refuses_to_invite_someone_already_member(people, login):
    response = login(people.with_role(Role.HR)).post(URL, invite_data(email=people.colleague.email))
    assert response.status_code == 200
    assert "fait déjà partie de l’organisation" in response.content.decode()
    assert Membership.objects.filter(user=people.colleague).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide."),
        ({"first_name": ""}, "Ce champ est obligatoire."),
        ({"roles": []}, "Choisissez au moins un rôle."),
        ({"roles": ["coordinator"]}, "Choisissez au moins un secteur pour le rôle de coordination."),
        ({"username": "proprietaire"}, "Cet identifiant est déjà pris."),
        ({"username": "pas valide !"}, "Un identifiant ne peut contenir que"),
    ],
)
def test_it_explains_bad_input_in_french(people, login, overrides, message):
    response = login(people.with_role(Role.HR)).post(URL, invite_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="camille.dupre@exemple.test").exists()


def test_it_lets_only_an_admin_invite_an_admin(people, login):
    response = login(people.with_role(Role.HR)).post(URL, invite_data(roles=["staff", "admin"]))
    assert response.status_code == 200
    assert not User.objects.filter(email="camille.dupre@exemple.test").exists()
    assert login(people.with_role(Role.ADMIN)).post(URL, invite_data(roles=["staff", "admin"])).status_code == 302
    assert Membership.objects.with_roles().get(user__email="camille.dupre@exemple.test").has_role("admin")


def test_it_derives_unique_usernames(db):
    assert derive_username("Zoé", "Le Gall") == "zoe.le-gall"
    UserFactory(username="zoe.le-gall")
    UserFactory(username="zoe.le-gall2")
    assert derive_username("Zoé", "Le Gall") == "zoe.le-gall3"
    assert derive_username("", "", "x.y@exemple.test") == "xy"


def test_it_resends_the_invitation_while_no_password_is_chosen(people, login, django_capture_on_commit_callbacks):
    client = login(people.with_role(Role.HR))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, invite_data())
    membership = Membership.objects.get(user__email="camille.dupre@exemple.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/essais/admin/membres/{membership.pk}/invitation/")
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="membership.invite_resent").exists()
    colleague = Membership.objects.get(user=people.colleague, organisation=people.org)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/essais/admin/membres/{colleague.pk}/invitation/")
    assert len(mail.outbox) == 2
