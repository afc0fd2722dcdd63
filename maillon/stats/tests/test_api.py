"""The API's aggregates: same figures and same rule as the page."""

from datetime import timedelta

import pytest

from maillon.accounts.roles import Role
from maillon.stats import services

pytestmark = pytest.mark.django_db


def test_the_director_reads_the_summary_and_a_pages_detail(people, login, stat):
    today = services.today()
    stat(today, "leave:mine", views=5, visits=2, role="hr", hour=14, device="desktop")
    stat(today - timedelta(days=40), "leave:mine", views=100)  # outside 30 days
    client = login(people.with_role(Role.DIRECTOR))
    headers = {"X-Organisation": people.org.slug}
    data = client.get("/api/v1/stats/summary", headers=headers).json()
    assert (data["views"], data["visits"], len(data["days"])) == (5, 2, 30)
    assert data["pages"] == [{"key": "leave:mine", "label": "Mes congés", "views": 5, "visits": 2}]
    assert data["heat"][today.weekday()][14] == 5
    assert {d["key"]: d["views"] for d in data["devices"]} == {"phone": 0, "tablet": 0, "desktop": 5}
    assert client.get("/api/v1/stats/summary?days=90", headers=headers).json()["views"] == 105
    for bad in ("7", "abc", "-30"):  # a period the page does not offer: said, not silently replaced by 30 days
        assert client.get(f"/api/v1/stats/summary?days={bad}", headers=headers).status_code == 422
    detail = client.get("/api/v1/stats/pages/leave:mine", headers=headers).json()
    assert detail["label"] == "Mes congés" and detail["roles"][0]["key"] == "hr"
    assert client.get("/api/v1/stats/pages/nope:nope", headers=headers).status_code == 404
    assert client.get("/api/v1/stats/federation", headers=headers).status_code == 403  # not a federation office
