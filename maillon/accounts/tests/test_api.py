"""The JSON API: authentication (session + CSRF, personal tokens), /me, /tokens, errors."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from maillon.accounts import services_tokens
from maillon.accounts.models import Membership, PersonalAccessToken, RoleAssignment
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.testing import QueryCounter, make_member, sector


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def token(people):
    return services_tokens.create_token(people.owner, "Tableur").raw


def test_it_refuses_anonymous_calls_with_a_french_message(people, client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Authentification requise" in response.json()["detail"]


def test_it_authenticates_with_a_personal_token(people, client, token):
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "proprietaire"
    assert body["email"] == people.owner.email
    found = PersonalAccessToken.objects.get(user=people.owner)
    assert found.last_used_at is not None


def test_it_refuses_unknown_revoked_and_expired_tokens(people, client, token):
    assert client.get("/api/v1/me", headers=bearer("mln_nope")).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 401
    created = PersonalAccessToken.objects.get(user=people.owner)
    PersonalAccessToken.objects.filter(pk=created.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    PersonalAccessToken.objects.filter(pk=created.pk).update(expires_at=None)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    services_tokens.revoke_token(people.owner, created)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_it_refuses_the_token_of_a_deactivated_person(people, client, token):
    people.owner.is_active = False
    people.owner.save()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_it_refuses_tokens_of_sensitive_roles_without_a_second_factor(people, client):
    admin = make_member(people.org, Role.ADMIN)  # no TOTP
    raw = services_tokens.create_token(admin, "Script").raw
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 403
    assert "double authentification" in response.json()["detail"]


def test_me_lists_memberships_roles_and_sectors(people, client):
    coordinator = make_member(people.org, Role.COORDINATOR, username="coordo")
    Membership.objects.create(user=coordinator, organisation=people.other_org)
    inactive = Membership.objects.get(user=coordinator, organisation=people.other_org)
    raw = services_tokens.create_token(coordinator, "t").raw
    body = Client().get("/api/v1/me", headers=bearer(raw)).json()
    assert [m["organisation_slug"] for m in body["memberships"]] == ["autre", "essais"]
    essais = body["memberships"][1]
    assert essais["organisation_name"] == "Centre social des Essais"
    assert essais["sector"]["name"] == "Secteur Enfance"
    assert {"role": "coordinator", "label": "Coordinateur·rice de secteur", "sector": {"id": sector(people.org, "Secteur Enfance").pk, "name": "Secteur Enfance"}} in essais["roles"]
    assert {r["role"] for r in essais["roles"]} == {"staff", "coordinator"}
    assert body["memberships"][0]["roles"] == []
    inactive.is_active = False
    inactive.save()
    body = Client().get("/api/v1/me", headers=bearer(raw)).json()
    assert [m["organisation_slug"] for m in body["memberships"]] == ["essais"]


def test_me_does_a_fixed_number_of_queries(people, client, token):
    def count():
        with QueryCounter() as queries:
            assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        return len(queries)

    count()  # the first call also records the token's last use
    before = count()
    for slug in ("a1", "a2", "a3"):
        from maillon.testing import OrganisationFactory

        other = OrganisationFactory(slug=slug)
        membership = Membership.objects.create(user=people.owner, organisation=other)
        RoleAssignment.objects.create(membership=membership, role=Role.STAFF)
        RoleAssignment.objects.create(membership=membership, role=Role.COORDINATOR, sector=sector(other, "Secteur Enfance"))
    assert count() == before
    assert before <= 6


def test_session_auth_needs_csrf_for_unsafe_methods(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.owner)
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not PersonalAccessToken.objects.exists()
    # With the token from the cookie, it works.
    client.get("/comptes/jetons/")
    csrf = client.cookies["csrftoken"].value
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert response.status_code == 201


def test_a_token_client_needs_no_csrf(people, token):
    client = Client(enforce_csrf_checks=True)
    response = client.delete(f"/api/v1/tokens/{PersonalAccessToken.objects.get().pk}", headers=bearer(token))
    assert response.status_code == 204


def test_it_creates_a_token_once_and_lists_it_without_the_secret(people, login):
    client = login(people.owner)
    response = client.post("/api/v1/tokens", {"name": "Export", "expires_in_days": 30}, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("mln_")
    assert created["hint"] == created["token"][:12]
    assert created["expires_at"] is not None
    listed = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["Export"]
    assert "token" not in listed[0]
    assert created["token"] not in client.get("/api/v1/tokens").content.decode()
    assert Client().get("/api/v1/me", headers=bearer(created["token"])).status_code == 200
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.actor == people.owner
    assert entry.target_id == str(created["id"])


def test_it_validates_token_input_with_french_messages(people, login):
    client = login(people.owner)
    response = client.post("/api/v1/tokens", {"name": "", "expires_in_days": 0}, content_type="application/json")
    assert response.status_code == 422
    errors = {e["field"]: e["msg"] for e in response.json()["detail"]}
    assert "name" in errors and "expires_in_days" in errors
    assert "supérieure ou égale à 1" in errors["expires_in_days"]
    response = client.post("/api/v1/tokens", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Ce champ est obligatoire."
    response = client.post("/api/v1/tokens", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Le corps de la requête n’est pas du JSON valide."
    response = client.post("/api/v1/tokens", {"name": "   "}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "name"
    assert not PersonalAccessToken.objects.exists()


def test_a_token_cannot_mint_another_token(people, client, token):
    response = client.post("/api/v1/tokens", {"name": "y"}, content_type="application/json", headers=bearer(token))
    assert response.status_code == 403
    assert PersonalAccessToken.objects.count() == 1


def test_only_the_owner_lists_and_revokes_a_token(people, login, token):
    mine = PersonalAccessToken.objects.get(user=people.owner)
    client = login(people.colleague)
    assert client.get("/api/v1/tokens").json() == []
    response = client.delete(f"/api/v1/tokens/{mine.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Introuvable."
    mine.refresh_from_db()
    assert mine.revoked_at is None
    client = login(people.owner)
    assert client.delete(f"/api/v1/tokens/{mine.pk}").status_code == 204
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert AuditEntry.objects.filter(action="token.revoke", actor=people.owner).count() == 1
    # Revoking again changes nothing and writes no second entry.
    assert client.delete(f"/api/v1/tokens/{mine.pk}").status_code == 204
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_the_schema_is_valid_json_listing_the_paths(people, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/me", "/api/v1/tokens", "/api/v1/tokens/{token_id}", "/api/v1/notifications", "/api/v1/notifications/read"):
        assert path in schema["paths"], path
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_docs_page_answers(people, login):
    response = login(people.owner).get("/api/v1/docs")
    assert response.status_code == 200
