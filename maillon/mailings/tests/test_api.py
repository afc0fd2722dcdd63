"""The mailings' API: a draft written, counted, queued; who may (the pages' rules: 403 for a role
that may not send, 404 for another organisation's or another sender's mailing); bad input → 422
in French, never a 500."""

import json

import pytest
from django.test import Client

from maillon.accounts import services_tokens
from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.mailings.models import Category, Mailing, MailingSpace, Recipient
from maillon.testing import QueryCounter, give_totp, make_member

from .helpers import draft

pytestmark = pytest.mark.django_db


def client_for(user, org="essais"):
    return Client(headers={"Authorization": f"Bearer {services_tokens.create_token(user, 't').raw}", "X-Organisation": org})


def post(client, path, payload=None):
    return client.post(f"/api/v1/mailings/{path}", json.dumps(payload or {}), content_type="application/json")


def members_with_email(org) -> int:
    return (Membership.objects.active().filter(organisation=org, user__is_active=True).exclude(user__email="")
            .values("user").distinct().count())


def test_a_communication_officer_writes_counts_and_queues_a_mailing(senders):
    org = senders.people.org
    client = client_for(senders.communication)
    response = post(client, "mailings", {"subject": "Fermeture estivale", "body": "<p>Fermé <em>en août</em><script>x</script></p>",
                                         "new_category": "Vie du centre", "criteria": {"organisations": [str(org.pk)]}})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["audience"] == members_with_email(org) and created["statuses"] == {}
    assert "<em>en août</em>" in created["body_html"] and "script" not in created["body_html"]
    listed = client.get("/api/v1/mailings/mailings").json()
    assert [m["id"] for m in listed["items"]] == [created["id"]] and listed["items"][0]["category"] == "Vie du centre"
    queued = post(client, f"mailings/{created['id']}/queue")
    assert queued.status_code == 200 and queued.json() == {"id": created["id"], "status": "sending", "recipients": created["audience"]}
    detail = client.get(f"/api/v1/mailings/mailings/{created['id']}").json()
    assert detail["recipients"] == created["audience"] and detail["statuses"]["queued"] == created["audience"] and detail["audience"] is None
    again = post(client, f"mailings/{created['id']}/queue")
    assert again.status_code == 422 and again.json()["detail"][0]["msg"] == "Cet envoi est déjà parti."
    assert Recipient.objects.filter(mailing=created["id"]).count() == created["audience"]


def test_the_list_costs_the_same_queries_for_two_mailings_or_twelve(senders):
    scope = senders.scope(senders.communication)
    client = client_for(senders.communication)
    for n in range(2):
        draft(scope, subject=f"Envoi {n}")
    client.get("/api/v1/mailings/mailings")
    with QueryCounter() as two:
        assert client.get("/api/v1/mailings/mailings").json()["count"] == 2
    for n in range(10):
        draft(scope, subject=f"Envoi {n + 2}")
    with QueryCounter() as twelve:
        assert client.get("/api/v1/mailings/mailings").json()["count"] == 12
    assert len(twelve) == len(two)


def test_who_may_see_and_send_as_on_the_pages(senders, people):
    mailing = draft(senders.scope(senders.communication))
    path = f"mailings/{mailing.pk}"
    # The director of the same organisation sees every mailing of it.
    assert client_for(senders.director).get(f"/api/v1/mailings/{path}").status_code == 200
    # Staff may not send mailings at all: 403 as the pages, with the pages' sentence.
    staff = client_for(people.colleague)
    for response in (staff.get("/api/v1/mailings/mailings"), staff.get(f"/api/v1/mailings/{path}"), post(staff, f"{path}/queue")):
        assert response.status_code == 403 and "direction" in response.json()["detail"]
    # Another organisation's director: the mailing does not exist for them, queueing it neither.
    elsewhere = make_member(people.other_org, Role.DIRECTOR, username="direction-autre")
    give_totp(elsewhere)
    other = client_for(elsewhere, "autre")
    assert other.get(f"/api/v1/mailings/{path}").status_code == 404
    assert post(other, f"{path}/queue").status_code == 404
    assert other.get("/api/v1/mailings/mailings").json()["count"] == 0
    # Naming the other organisation in the header does not help: not a member there.
    assert client_for(elsewhere, "essais").get(f"/api/v1/mailings/{path}").status_code == 404
    assert Mailing.objects.get(pk=mailing.pk).status == "draft"


def test_a_space_host_reaches_the_spaces_they_host_only(senders):
    world, people = senders.world, senders.people
    colleague = make_member(people.other_org, Role.COMMUNICATION, username="com-autre")
    host = client_for(world.host, "autre")
    sent = post(host, "mailings", {"subject": "Prochain atelier", "body": "<p>Bonjour</p>", "new_category": "Groupe",
                                   "criteria": {"spaces": [str(world.space.pk)]}})
    assert sent.status_code == 201 and sent.json()["audience"] == 2  # the host and the contributor of « Essais »
    assert post(host, f"mailings/{sent.json()['id']}/queue").json()["recipients"] == 2
    assert list(MailingSpace.objects.values_list("space", flat=True)) == [world.space.pk]
    # A criterion kept for directors, a space one does not host, a criterion that does not exist: 422, in French.
    for criteria in ({"roles": ["staff"]}, {"spaces": ["999999"]}, {"inconnu": ["1"]}):
        refused = post(host, "mailings", {"subject": "x", "body": "y", "new_category": "Groupe", "criteria": criteria})
        assert refused.status_code == 422 and refused.json()["detail"][0]["msg"] == "Ce choix ne vous est pas ouvert.", refused.content
    # The communication officer of the host's organisation sees it; the host does not see the officer's ones.
    assert client_for(colleague, "autre").get(f"/api/v1/mailings/mailings/{sent.json()['id']}").status_code == 200
    theirs = draft(senders.scope(colleague, people.other_org))
    assert host.get(f"/api/v1/mailings/mailings/{theirs.pk}").status_code == 404
    assert [m["id"] for m in host.get("/api/v1/mailings/mailings").json()["items"]] == [sent.json()["id"]]


@pytest.mark.parametrize("payload", [
    {"subject": "a\x00b", "body": "x", "new_category": "c"},
    {"subject": "x" * 5000, "body": "x", "new_category": "c"},
    {"subject": "x", "body": "", "new_category": "c"},
    {"subject": "x", "body": "x"},
    {"subject": "x", "body": "x", "category": 10**30},
    {"subject": "x", "body": "x", "category": "abc"},
    {"subject": "x", "body": "x", "criteria": {"organisations": "1"}},
    {"subject": "x", "body": "x", "new_category": "c", "criteria": {"organisations": ["\x00"]}},
    {"subject": "x", "body": "x", "new_category": "c", "article": 123456},
])
def test_bad_input_is_a_422_in_french(senders, payload):
    response = post(client_for(senders.communication), "mailings", payload)
    assert response.status_code == 422, response.content
    assert all(error["msg"] and "required" not in error["msg"] for error in response.json()["detail"])
    assert not Mailing.objects.exists()


def test_a_category_of_another_organisation_is_refused(senders, people):
    theirs = Category.objects.create(organisation=people.other_org, name="Leurs lettres")
    response = post(client_for(senders.communication), "mailings", {"subject": "x", "body": "x", "category": theirs.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "category"


def test_bad_ids_are_json_404s(senders):
    client = client_for(senders.communication)
    for path in ("mailings/0", "mailings/abc", "mailings/99999999", f"mailings/{10**30}"):
        response = client.get(f"/api/v1/mailings/{path}")
        assert response.status_code in {404, 422} and response.json()["detail"]
