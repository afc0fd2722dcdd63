import pytest

from maillon.communes.models import Commune, CommuneService

from .conftest import row


@pytest.fixture
def api(world, login):
    client = login(world.coordinator)
    return lambda method, path, **kw: getattr(client, method)(f"/api/v1/communes{path}", headers={"X-Organisation": "syndicat-essais"},
                                                           content_type="application/json", **kw)


def test_list_create_and_toggle(world, api):
    body = api("get", "/").json()
    assert [c["name"] for c in body["results"]] == ["Commune des Essais 1", "Commune des Essais 2"]
    data = row(80)
    data["population"] = 120
    response = api("post", "/", data=data)
    assert response.status_code == 201 and response.json()["insee_code"] == "32080"
    commune = Commune.objects.get(insee_code="32080")
    response = api("put", f"/{commune.pk}/services/procedures", data={"enabled": True})
    assert response.json() == {"key": "procedures", "enabled": True, "changed": True}
    assert CommuneService.objects.filter(organisation=commune.organisation, key="procedures").exists()


def test_french_errors_and_tenancy(world, api):
    response = api("post", "/", data={**row(81), "population": 5, "insee_code": "ABCDE"})
    assert response.status_code == 422 and "code INSEE" in response.content.decode()
    response = api("put", f"/{world.one.pk}/services/jardinage", data={"enabled": True})
    assert response.status_code == 422 and "Service inconnu" in response.content.decode()
    assert api("put", f"/{world.elsewhere.pk}/services/procedures", data={"enabled": True}).status_code == 404


def test_other_people_get_404(world, login):
    client = login(world.staff_only)
    assert client.get("/api/v1/communes/", headers={"X-Organisation": "syndicat-essais"}).status_code == 404
