"""API: procedures and schema, submissions by scope, one submission, signed decisions; tenancy."""

import pytest

from maillon.procedures.models import Step
from maillon.testing import TEST_PASSWORD

API = "/api/v1/procedures"
ANSWERS = {"trajets": [{"objet": "x", "montant": "3.00"}], "iban": "FR7630006000011234567890189"}


@pytest.fixture
def mileage(enable):
    return enable("frais-kilometriques")


def get(client, url, org="essais", **params):
    return client.get(url, params, HTTP_X_ORGANISATION=org)


def test_it_lists_procedures_with_their_schema(people, login, mileage):
    client = login(people.owner)
    items = get(client, f"{API}/").json()
    assert [i["slug"] for i in items] == [mileage.slug]
    detail = get(client, f"{API}/{mileage.slug}").json()
    assert detail["version"] == 1 and detail["fields"][0]["kind"] == "group"
    assert get(login(people.outsider), f"{API}/{mileage.slug}", org="autre").status_code == 404
    assert get(login(people.outsider), f"{API}/", org="essais").status_code == 404


def test_it_gives_submissions_by_scope_and_hides_others(people, chain, flow, login, mileage):
    sub = flow.submit(people.owner, mileage, ANSWERS)
    assert get(login(people.owner), f"{API}/submissions").json()["count"] == 1
    assert get(login(people.colleague), f"{API}/submissions").json()["count"] == 0
    assert get(login(people.colleague), f"{API}/submissions/{sub.pk}").status_code == 404
    assert get(login(chain.coordinator), f"{API}/submissions", scope="queue").json()["items"][0]["reference"] == sub.reference
    assert get(login(chain.other_coordinator), f"{API}/submissions", scope="queue").json()["count"] == 0
    assert get(login(people.owner), f"{API}/submissions", scope="all").status_code == 403
    assert get(login(chain.hr), f"{API}/submissions", scope="all").json()["count"] == 1
    other_hr = people.with_role("hr", sector_name=None, organisation=people.other_org)
    assert get(login(other_hr), f"{API}/submissions/{sub.pk}", org="autre").status_code == 404
    detail = get(login(people.owner), f"{API}/submissions/{sub.pk}").json()
    assert detail["answers"]["iban"] == ANSWERS["iban"] and detail["steps"][0]["status"] == "waiting"
    assert detail["signature_code"] == sub.signature.display_code


def test_it_records_a_signed_decision_through_the_api(people, chain, flow, login, mileage):
    sub = flow.submit(people.owner, mileage, ANSWERS)
    url = f"{API}/submissions/{sub.pk}/decisions"
    refused = login(chain.hr).post(url, {"decision": "approve", "password": TEST_PASSWORD}, content_type="application/json", HTTP_X_ORGANISATION="essais")
    assert refused.status_code == 403
    client = login(chain.coordinator)
    wrong = client.post(url, {"decision": "approve", "password": "faux"}, content_type="application/json", HTTP_X_ORGANISATION="essais")
    assert wrong.status_code == 422 and "mot de passe" in wrong.json()["detail"]
    ok = client.post(url, {"decision": "approve", "comment": "Bon pour moi", "password": TEST_PASSWORD}, content_type="application/json",
                     HTTP_X_ORGANISATION="essais")
    assert ok.status_code == 200
    assert ok.json()["steps"][0]["status"] == "approved" and ok.json()["steps"][0]["signature_code"]
    assert Step.objects.get(submission=sub, position=2).status == "waiting"


def test_it_documents_the_endpoints_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/procedures/submissions/{pk}/decisions" in paths
    assert "/api/v1/procedures/{slug}" in paths
