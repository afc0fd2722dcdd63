"""Creating a space, inviting people (with or without an account), roles, leaving, archiving."""

import re

import pytest
from django.core import mail

from maillon.accounts.models import User
from maillon.accounts.roles import Role as OrgRole
from maillon.audit.models import AuditEntry
from maillon.spaces.models import Invitation, Role, Space, SpaceMember
from maillon.testing import TEST_PASSWORD, QueryCounter, give_totp, make_member

pytestmark = pytest.mark.django_db


def test_a_coordinator_opens_a_space_and_becomes_its_host(people, login):
    coordinator = make_member(people.org, OrgRole.COORDINATOR, sector_name="Secteur Enfance", username="coordo")
    client = login(coordinator)
    assert "Nouvel espace" in client.get("/essais/espaces/").content.decode()
    response = client.post("/espaces/nouveau/", {"owner": people.org.pk, "name": "Parentalité", "kind": "network",
                                                 "visibility": "members", "theme": "", "description": ""})
    space = Space.objects.get(name="Parentalité")
    assert response.status_code == 302 and response["Location"] == f"/espaces/{space.slug}/membres/"
    assert SpaceMember.objects.get(space=space, user=coordinator).role == Role.HOST
    assert AuditEntry.objects.filter(action="spaces.created", organisation=people.org).exists()


def test_staff_cannot_open_a_space_and_bad_input_is_a_message(people, login):
    assert login(people.owner).get("/espaces/nouveau/").status_code == 403
    director = make_member(people.org, OrgRole.DIRECTOR, sector_name=None, username="dir")
    give_totp(director)
    client = login(director)
    page = client.post("/espaces/nouveau/", {"owner": people.org.pk, "name": "", "kind": "nope", "visibility": "federation"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ce champ est obligatoire" in text and "Choisissez la fédération" in text
    # Someone else's organisation as owner: refused by the form.
    page = client.post("/espaces/nouveau/", {"owner": people.other_org.pk, "name": "X", "kind": "project", "visibility": "members"})
    assert page.status_code == 200 and not Space.objects.filter(name="X").exists()


def test_inviting_someone_with_an_account_adds_them_and_notifies_them(world, login):
    client = login(world.host)
    response = client.post(f"/espaces/{world.space.slug}/membres/inviter/", {"email": world.stranger.email.upper(), "role": "reader"})
    assert response.status_code == 302
    assert SpaceMember.objects.get(space=world.space, user=world.stranger).role == Role.READER
    assert world.stranger.notifications.filter(title__contains="Groupe numérique").exists()


def test_an_e_mail_invitation_creates_an_account_in_no_organisation(world, login, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(world.host).post(f"/espaces/{world.space.slug}/membres/inviter/", {"email": "invitee@ailleurs.example", "role": "contributor"})
    client.logout()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["invitee@ailleurs.example"]
    link = re.search(r"https?://\S+/espaces/invitation/(\S+)/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    token = link.group(1)
    assert Invitation.objects.filter(token_hash__contains=token).count() == 0  # only the hash is kept
    page = client.get(f"/espaces/invitation/{token}/")
    assert "Créer mon compte" in page.content.decode()
    weak = client.post(f"/espaces/invitation/{token}/", {"first_name": "Aude", "last_name": "S", "password1": "123", "password2": "123"})
    assert weak.status_code == 200 and not User.objects.filter(email="invitee@ailleurs.example").exists()
    response = client.post(f"/espaces/invitation/{token}/", {"first_name": "Aude", "last_name": "Sérillac",
                                                            "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")
    user = User.objects.get(email="invitee@ailleurs.example")
    assert not user.memberships.exists()
    assert SpaceMember.objects.get(space=world.space, user=user).role == Role.CONTRIBUTOR
    # The link is spent.
    assert client.get(f"/espaces/invitation/{token}/").status_code == 404
    # Logged in, the invited person lands on their spaces and can open this one, and only it.
    invited = login(user)
    assert invited.get("/").headers["Location"] == "/espaces/"
    assert "Groupe numérique" in invited.get("/espaces/").content.decode()
    assert invited.get(f"/espaces/{world.space.slug}/").status_code == 200
    assert invited.get("/essais/tableau-de-bord/").status_code == 404


def test_an_invitation_is_for_its_address_only(world, login, people):
    from maillon.spaces import services

    _outcome, invitation = services.invite(world.space, "quelquun@ailleurs.example", role=Role.READER, actor=world.host)
    token, token_hash = Invitation.new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash)
    response = login(people.colleague).post(f"/espaces/invitation/{token}/")
    assert response.status_code == 403
    assert not SpaceMember.objects.filter(space=world.space, user=people.colleague).exists()
    assert login(people.colleague).get("/espaces/invitation/nimportequoi/").status_code == 404


def test_the_last_host_cannot_leave_and_a_member_can(world, login, people):
    client = login(world.host)
    me = SpaceMember.objects.get(space=world.space, user=world.host)
    page = client.post(f"/espaces/{world.space.slug}/membres/{me.pk}/retirer/", follow=True).content.decode()
    assert "au moins un hôte" in page
    assert SpaceMember.objects.filter(pk=me.pk).exists()
    member = SpaceMember.objects.get(space=world.space, user=people.owner)
    response = login(people.owner).post(f"/espaces/{world.space.slug}/membres/{member.pk}/retirer/")
    assert response.status_code == 302 and not SpaceMember.objects.filter(pk=member.pk).exists()


def test_a_contributor_cannot_remove_someone_else(world, login, people):
    host = SpaceMember.objects.get(space=world.space, user=world.host)
    assert login(people.owner).post(f"/espaces/{world.space.slug}/membres/{host.pk}/retirer/").status_code == 403


def test_pages_are_french_and_their_query_count_does_not_grow(world, login, people):
    client = login(world.host)
    client.get(f"/espaces/{world.space.slug}/membres/")
    with QueryCounter() as few:
        client.get(f"/espaces/{world.space.slug}/membres/")
    for i in range(12):
        from maillon.spaces import services

        services.add_member(world.space, make_member(people.org, sector_name=None, username=f"m{i}"), role=Role.READER, actor=world.host)
    with QueryCounter() as many:
        page = client.get(f"/espaces/{world.space.slug}/membres/").content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert "Inviter une organisation entière" in page and "Lecteur·rice" in page
    with QueryCounter() as listing:
        assert client.get("/espaces/").status_code == 200
    assert len(listing) <= 12
