"""API: my commune's latest scores, bundle, training plan and self-check."""

import pytest

from maillon.accounts import services_tokens
from maillon.diagnostic import services

from .test_views import completed


def get(client, organisation, **headers):
    return client.get("/api/v1/diagnostic/latest", headers={"X-Organisation": organisation.slug, **headers})


def test_it_gives_the_latest_scores_bundle_plan_and_selfcheck(town, client):
    completed(town)
    services.record_selfcheck(town.commune.memberships.get(user=town.director), ["backups", "mfa"])
    client.force_login(town.director)
    body = get(client, town.commune).json()
    assert body["diagnostic"]["overall"] == 89
    assert {a["key"]: a["score"] for a in body["diagnostic"]["areas"]}["web"] == 47
    assert [s["key"] for s in body["diagnostic"]["services"]] == ["procedures", "content", "mailings", "citizen_procedures"]
    assert [m["key"] for m in body["diagnostic"]["training"]] == ["online_procedures", "website"]
    assert body["selfcheck"]["score"] == 13 and len(body["selfcheck"]["actions_left"]) == 13


def test_it_answers_null_before_any_diagnostic(town, client):
    client.force_login(town.admin)
    assert get(client, town.commune).json() == {"diagnostic": None, "selfcheck": None}


def test_it_works_with_a_personal_token(town, client):
    completed(town)
    raw = services_tokens.create_token(town.director, "essai").raw
    response = client.get("/api/v1/diagnostic/latest", headers={"Authorization": f"Bearer {raw}", "X-Organisation": "saint-essai"})
    assert response.status_code == 200 and response.json()["diagnostic"]["overall"] == 89


@pytest.mark.parametrize("who, organisation, status", [
    ("staff", "commune", 403), ("other_director", "commune", 404), ("centre_director", "commune", 404),
])
def test_it_refuses_others_in_french(town, client, who, organisation, status):
    completed(town)
    client.force_login(getattr(town, who))
    response = get(client, getattr(town, organisation))
    assert response.status_code == status
    assert response.json()["detail"]


def test_an_organisation_that_is_not_a_commune_has_no_diagnostic(town, people, client):
    client.force_login(town.centre_director)
    response = get(client, people.org)
    assert response.status_code == 404 and "commune" in response.json()["detail"]


def test_anonymous_is_401(town, client):
    assert get(client, town.commune).status_code == 401
