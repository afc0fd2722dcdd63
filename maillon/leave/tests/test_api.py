"""Leave API: balances, ledger, counter, corrections; roles and tenancy."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from maillon.accounts import services_tokens
from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.leave import services
from maillon.leave.models import LeaveType


def client_for(user, org="essais"):
    raw = services_tokens.create_token(user, "t").raw
    return Client(headers={"Authorization": f"Bearer {raw}", "X-Organisation": org})


def membership(user, org):
    return Membership.objects.get(user=user, organisation=org)


@pytest.fixture
def cp(org):
    services.ensure_default_types(org)
    return LeaveType.objects.get(organisation=org, code="cp")


def test_it_returns_my_balances_and_ledger(people, cp):
    services.add_correction(membership=membership(people.owner, people.org), leave_type=cp, amount=Decimal("4.5"), reason="Reprise", actor=None)
    api = client_for(people.owner)
    balances = api.get("/api/v1/leave/balances").json()
    assert {"leave_type": "cp", "name": "Congés payés", "counts_against_balance": True, "balance_rule": "refuse", "balance": "4.50",
            "pending": "0.00", "available": "4.50"} in balances
    ledger = api.get("/api/v1/leave/ledger").json()
    assert ledger["count"] == 1 and ledger["items"][0]["reason"] == "Reprise" and ledger["items"][0]["kind"] == "correction"


def test_it_counts_a_request_and_the_balance_after(people, cp):
    api = client_for(people.owner)
    body = {"leave_type": "cp", "start_date": "2026-07-06", "start_half": "pm", "end_date": "2026-07-08", "end_half": "am"}
    response = api.post("/api/v1/leave/count", json.dumps(body), content_type="application/json")
    assert response.json() == {"days": "2", "balance": "0.00", "pending": "0.00", "balance_after": "-2.00"}
    body["end_date"] = "2026-07-01"
    assert api.post("/api/v1/leave/count", json.dumps(body), content_type="application/json").json()["detail"] == "La fin du congé est avant son début."
    body.update(leave_type="vacances", end_date="2026-07-10")
    assert api.post("/api/v1/leave/count", json.dumps(body), content_type="application/json").status_code == 422


def test_only_hr_and_the_director_read_others_and_only_in_their_organisation(people, cp):
    target = membership(people.owner, people.org)
    assert client_for(people.colleague).get(f"/api/v1/leave/balances?membership={target.pk}").status_code == 403
    assert client_for(people.with_role(Role.DIRECTOR)).get(f"/api/v1/leave/ledger?membership={target.pk}").status_code == 200
    hr = people.with_role(Role.HR)
    foreign = membership(people.outsider, people.other_org)
    assert client_for(hr).get(f"/api/v1/leave/balances?membership={foreign.pk}").status_code == 404
    assert client_for(people.outsider, org="essais").get("/api/v1/leave/balances").status_code == 404


def test_hr_corrects_through_the_api(people, cp):
    target = membership(people.owner, people.org)
    body = {"membership": target.pk, "leave_type": "cp", "amount": "2.5", "reason": "Jours de fractionnement oubliés"}
    assert client_for(people.owner).post("/api/v1/leave/corrections", json.dumps(body), content_type="application/json").status_code == 403
    api = client_for(people.with_role(Role.HR))
    assert api.post("/api/v1/leave/corrections", json.dumps(body), content_type="application/json").status_code == 201
    assert services.balance(target, cp) == Decimal("2.5")
    body["reason"] = " "
    assert "motif" in api.post("/api/v1/leave/corrections", json.dumps(body), content_type="application/json").json()["detail"]
    body["membership"] = membership(people.outsider, people.other_org).pk
    assert api.post("/api/v1/leave/corrections", json.dumps(body), content_type="application/json").status_code == 404


@pytest.mark.parametrize("amount", ["1e300", "0.001", "0", "400", "-367", "1.25"])
def test_an_api_correction_is_whole_or_half_days_within_a_year(people, cp, amount):
    target = membership(people.owner, people.org)
    body = {"membership": target.pk, "leave_type": "cp", "amount": amount, "reason": "Essai"}
    api = client_for(people.with_role(Role.HR))
    assert api.post("/api/v1/leave/corrections", json.dumps(body), content_type="application/json").status_code == 422
    assert services.balance(target, cp) == 0
