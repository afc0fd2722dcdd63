"""The personal access tokens page: list, create (shown once), revoke after confirmation.

(The page's own sentences are in the accounts catalog; these tests check behaviour and
the data shown, not the wording.)"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from maillon.accounts import services_tokens
from maillon.accounts.models import PersonalAccessToken
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.testing import QueryCounter


def test_it_asks_anonymous_visitors_to_log_in(people, client):
    response = client.get("/comptes/jetons/")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


def test_it_lists_only_my_tokens(people, login):
    services_tokens.create_token(people.owner, "Mon tableur")
    services_tokens.create_token(people.colleague, "Script du collègue")
    page = login(people.owner).get("/comptes/jetons/").content.decode()
    assert "Mon tableur" in page
    assert "Script du collègue" not in page
    mine = PersonalAccessToken.objects.get(user=people.owner)
    assert f"{mine.hint}…" in page


def test_it_creates_a_token_and_shows_it_once(people, login):
    client = login(people.owner)
    response = client.post("/comptes/jetons/", {"name": "Export mensuel", "expires_in_days": "30"})
    assert response.status_code == 200
    token = PersonalAccessToken.objects.get(user=people.owner)
    page = response.content.decode()
    raw = page.split('id="raw-token" type="text" readonly value="')[1].split('"')[0]
    assert raw.startswith("mln_") and token.hash(raw) == token.token_hash
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert abs((token.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    # Never again: the list only shows the start.
    listing = client.get("/comptes/jetons/").content.decode()
    assert raw not in listing and token.hint in listing
    # And the token works.
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.actor == people.owner and entry.target_id == str(token.pk)
    assert raw not in str(entry.data)


@pytest.mark.parametrize("data", [
    {"name": "", "expires_in_days": ""},
    {"name": "x" * 81},
    {"name": "Ok", "expires_in_days": "0"},
    {"name": "Ok", "expires_in_days": "10000"},
    {"name": "Ok", "expires_in_days": "trente"},
    {"name": "   "},
])
def test_bad_input_is_refused_on_the_field(people, login, data):
    response = login(people.owner).post("/comptes/jetons/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="field has-error"' in page
    assert 'class="error"' in page
    assert not PersonalAccessToken.objects.exists()


def test_the_number_of_active_tokens_is_capped(people, login):
    for i in range(services_tokens.MAX_ACTIVE_TOKENS):
        services_tokens.create_token(people.owner, f"t{i}")
    response = login(people.owner).post("/comptes/jetons/", {"name": "un de trop"})
    assert response.status_code == 400
    assert 'class="field has-error"' in response.content.decode()
    assert PersonalAccessToken.objects.count() == services_tokens.MAX_ACTIVE_TOKENS


def test_revoking_asks_for_confirmation_then_revokes(people, login):
    token = services_tokens.create_token(people.owner, "À révoquer").token
    client = login(people.owner)
    confirm = client.get(f"/comptes/jetons/{token.pk}/revoquer/")
    assert confirm.status_code == 200
    assert "À révoquer" in confirm.content.decode() and 'method="post"' in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # a GET changes nothing
    response = client.post(f"/comptes/jetons/{token.pk}/revoquer/")
    assert response.status_code == 302 and response["Location"] == "/comptes/jetons/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="token.revoke", target_id=str(token.pk)).count() == 1
    page = client.get("/comptes/jetons/").content.decode()
    assert "status-off" in page
    assert f"/comptes/jetons/{token.pk}/revoquer/" not in page


def test_nobody_else_can_revoke_my_token(people, login):
    token = services_tokens.create_token(people.owner, "Le mien").token
    admin = people.with_role(Role.ADMIN)
    for other in (people.colleague, people.outsider, admin):
        client = login(other)
        assert client.get(f"/comptes/jetons/{token.pk}/revoquer/").status_code == 404
        assert client.post(f"/comptes/jetons/{token.pk}/revoquer/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_list_shows_statuses(people, login):
    services_tokens.create_token(people.owner, "Actif")
    expired = services_tokens.create_token(people.owner, "Expiré", 1).token
    PersonalAccessToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page = login(people.owner).get("/comptes/jetons/").content.decode()
    assert page.count("status-ok") == 1 and page.count("status-off") == 1


def test_the_list_does_a_fixed_number_of_queries(people, login):
    client = login(people.owner)
    services_tokens.create_token(people.owner, "un")
    client.get("/comptes/jetons/")
    with QueryCounter() as few:
        client.get("/comptes/jetons/")
    for i in range(15):
        services_tokens.create_token(people.owner, f"t{i}")
    with QueryCounter() as many:
        client.get("/comptes/jetons/")
    assert len(many) == len(few) <= 10
