"""Reception API: create a message and a notice, list mine, mark delivered / read / handled;
roles, tenancy and bad input (French messages)."""

import json

import pytest
from django.test import Client

from maillon.accounts import services_tokens
from maillon.accounts.roles import Role
from maillon.reception.models import PhoneMessage

pytestmark = pytest.mark.django_db


def client_for(user, org="essais"):
    raw = services_tokens.create_token(user, "t").raw
    return Client(headers={"Authorization": f"Bearer {raw}", "X-Organisation": org})


def post(client, path, payload=None):
    return client.post(f"/api/v1/reception/{path}", json.dumps(payload or {}), content_type="application/json")


def test_it_sends_lists_and_marks_through_the_api(desk):
    owner = desk.membership(desk.people.owner)
    agent = client_for(desk.agent)
    response = post(agent, "messages", {"recipient": owner.pk, "caller_name": "Mme Ysaline", "caller_number": "+33 7 12 34 56 78",
                                        "text": "Séjour ski : reste-t-il des places ?", "urgency": "urgent"})
    assert response.status_code == 201, response.content
    sent = response.json()
    assert (sent["caller_number"], sent["state"], sent["action"]) == ("+33712345678", "sent", "call_back")
    mine = client_for(desk.people.owner)
    listed = mine.get("/api/v1/reception/messages").json()
    assert [m["id"] for m in listed["items"]] == [sent["id"]] and listed["count"] == 1
    assert post(mine, f"messages/{sent['id']}/delivered").json()["state"] == "delivered"
    assert post(mine, f"messages/{sent['id']}/read").json()["state"] == "read"
    assert mine.get("/api/v1/reception/messages?unread=true").json()["count"] == 0
    handled = post(mine, f"messages/{sent['id']}/handled", {"note": "Rappelée."}).json()
    assert (handled["state"], handled["handled_note"]) == ("handled", "Rappelée.")
    # Nobody else's: the agent, a colleague, the outsider (their organisation or ours) get 404.
    for user, org in ((desk.agent, "essais"), (desk.people.colleague, "essais"), (desk.people.outsider, "autre"),
                      (desk.people.outsider, "essais")):
        assert post(client_for(user, org), f"messages/{sent['id']}/read").status_code == 404
    assert client_for(desk.people.colleague).get("/api/v1/reception/messages").json()["count"] == 0


def test_it_sends_a_notice_through_the_api(desk):
    from maillon.organisations.models import Sector

    sector = Sector.objects.get(organisation=desk.org, name="Secteur Enfance")
    response = post(client_for(desk.agent), "notices", {"sector": sector.pk, "visitor_name": "Lisandro", "waiting": True})
    assert response.status_code == 201
    notice = response.json()
    assert len(notice["recipients"]) == 2
    assert post(client_for(desk.people.owner), f"notices/{notice['id']}/read").status_code == 204
    assert post(client_for(desk.people.other_sector), f"notices/{notice['id']}/read").status_code == 404
    other = Sector.objects.get(organisation=desk.people.other_org, name="Secteur Enfance")
    refused = post(client_for(desk.agent), "notices", {"sector": other.pk})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["msg"] == "Choisissez un secteur de l'organisation."


@pytest.mark.parametrize("role", [None, Role.COORDINATOR, Role.DIRECTOR])
def test_only_reception_sends_through_the_api(desk, role):
    user = desk.people.with_role(role) if role else desk.people.colleague
    owner = desk.membership(desk.people.owner)
    response = post(client_for(user), "messages", {"recipient": owner.pk, "caller_name": "X", "text": "Y"})
    assert response.status_code == 403
    assert "Seuls les agents d'accueil" in response.json()["detail"]
    assert not PhoneMessage.objects.exists()


@pytest.mark.parametrize(("payload", "field", "message"), [
    ({"recipient": 999999}, "recipient", "Choisissez une personne de l'organisation."),
    ({"caller_number": "01 23"}, "caller_number", "Saisissez un numéro français"),
    ({"text": "x" * 1001}, "text", "au plus"),
    ({"urgency": "très"}, "urgency", ""),
])
def test_bad_input_gets_a_french_message_on_the_field(desk, payload, field, message):
    owner = desk.membership(desk.people.owner)
    response = post(client_for(desk.agent), "messages", {"recipient": owner.pk, "caller_name": "X", "text": "Y", **payload})
    assert response.status_code == 422
    errors = {e["field"] or e["loc"][-1]: e["msg"] for e in response.json()["detail"]}
    assert field in errors and message in errors[field]
    assert not PhoneMessage.objects.exists()


def test_another_organisations_member_is_not_a_recipient(desk):
    outsider = desk.membership(desk.people.outsider, desk.people.other_org)
    response = post(client_for(desk.agent), "messages", {"recipient": outsider.pk, "caller_name": "X", "text": "Y"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Choisissez une personne de l'organisation."
