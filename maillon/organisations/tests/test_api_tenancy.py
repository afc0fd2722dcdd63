"""Tenancy through the API: the X-Organisation header never opens another organisation."""

import pytest
from django.test import Client

from maillon.accounts import services_tokens
from maillon.accounts.models import Membership
from maillon.notifications.services import notify
from maillon.organisations.models import Organisation


def _client(user, **headers):
    raw = services_tokens.create_token(user, "t").raw
    return Client(headers={"Authorization": f"Bearer {raw}", **headers})


def test_a_member_reads_their_organisation(people):
    notify(people.owner, "À moi", organisation=people.org, email=False)
    response = _client(people.owner, **{"X-Organisation": "essais"}).get("/api/v1/notifications")
    assert response.status_code == 200
    assert [n["title"] for n in response.json()["items"]] == ["À moi"]


def test_without_the_header_the_only_organisation_is_used(people):
    notify(people.owner, "À moi", organisation=people.org, email=False)
    response = _client(people.owner).get("/api/v1/notifications")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("slug", ["autre", "nexistepas"])
def test_a_token_of_organisation_a_cannot_read_organisation_b(people, slug):
    notify(people.outsider, "Secret", organisation=people.other_org, email=False)
    client = _client(people.owner, **{"X-Organisation": slug})
    for response in (
        client.get("/api/v1/notifications"),
        client.post("/api/v1/notifications/read", {}, content_type="application/json"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Organisation introuvable."}
    assert "Secret" not in client.get("/api/v1/notifications?organisation=autre").content.decode()


def test_the_outsiders_token_cannot_read_us_either(people):
    notify(people.owner, "Interne", organisation=people.org, email=False)
    response = _client(people.outsider, **{"X-Organisation": "essais"}).get("/api/v1/notifications")
    assert response.status_code == 404


def test_two_memberships_without_the_header_is_a_400(people):
    Membership.objects.create(user=people.owner, organisation=people.other_org)
    client = _client(people.owner)
    response = client.get("/api/v1/notifications")
    assert response.status_code == 400
    assert "X-Organisation" in response.json()["detail"]
    assert "plusieurs organisations" in response.json()["detail"]
    assert client.get("/api/v1/notifications", headers={"X-Organisation": "autre"}).status_code == 200


def test_a_deactivated_membership_or_organisation_is_refused(people):
    client = _client(people.owner, **{"X-Organisation": "essais"})
    Organisation.objects.filter(pk=people.org.pk).update(is_active=False)
    assert client.get("/api/v1/notifications").status_code == 404
    Organisation.objects.filter(pk=people.org.pk).update(is_active=True)
    Membership.objects.filter(user=people.owner).update(is_active=False)
    assert client.get("/api/v1/notifications").status_code == 404


def test_session_callers_are_scoped_the_same_way(people, login):
    client = login(people.owner)
    assert client.get("/api/v1/notifications", headers={"X-Organisation": "autre"}).status_code == 404
    assert client.get("/api/v1/notifications", headers={"X-Organisation": "essais"}).status_code == 200
