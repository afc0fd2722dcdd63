"""A commune's enabled services hold on its dashboard panels and its API, as on its pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillon.communes import catalogue, services
from maillon.core.registry import registry
from maillon.testing import give_totp

from .test_access import own_client


def panel_keys(response) -> set[str]:
    return {panel["key"] for section in response.context["sections"] for panel in section["panels"]}


@pytest.fixture
def secretary(world):
    give_totp(world.secretary)
    return own_client(world.secretary)


def _enable(world, keys, capture):
    with capture(execute=True):
        services.set_services(world.membership(world.coordinator), world.one, keys)


def test_dashboard_shows_the_panels_of_enabled_services_only(world, secretary, django_capture_on_commit_callbacks):
    dashboard = reverse("dashboard", kwargs={"org": world.one.organisation.slug})
    keys = panel_keys(secretary.get(dashboard))
    assert "organisation" in keys  # no service covers it
    assert not keys & {"leave", "procedures_mine", "procedures_queue", "my_meetings", "my_planning", "news"}
    _enable(world, ["leave"], django_capture_on_commit_callbacks)
    keys = panel_keys(secretary.get(dashboard))
    assert "leave" in keys and "organisation" in keys
    assert not keys & {"procedures_mine", "procedures_queue", "my_meetings", "my_planning"}
    _enable(world, [], django_capture_on_commit_callbacks)
    assert "leave" not in panel_keys(secretary.get(dashboard))


def test_organisations_outside_a_groupement_keep_every_panel_without_a_query(people, login, monkeypatch):
    client = login(people.owner)
    dashboard = reverse("dashboard", kwargs={"org": people.org.slug})
    client.get(dashboard)
    client.get(dashboard)
    with CaptureQueriesContext(connection) as filtered:
        keys = panel_keys(client.get(dashboard))
    assert {"leave", "organisation"} <= keys
    monkeypatch.setattr(registry, "panel_filters", [])
    monkeypatch.setattr(registry, "nav_filters", [])
    with CaptureQueriesContext(connection) as unfiltered:
        assert panel_keys(client.get(dashboard)) == keys
    assert len(filtered) == len(unfiltered)


def test_every_panel_of_a_service_app_is_in_the_catalogue():
    """A panel registered by the app of a service (its template's folder is the service's namespace)
    is listed among that service's panels, so a commune without the service does not see it."""
    for panel in registry.panels.values():
        app = panel.template.split("/", 1)[0]
        owners = [s for s in catalogue.SERVICES if app in s.namespaces]
        for service in owners:
            assert panel.key in service.panel_keys, f"panel {panel.key!r} missing from service {service.key!r}"


def test_every_api_prefix_of_the_catalogue_is_a_router():
    from maillon.api import api

    api.add_registered_routers()
    prefixes = {prefix for prefix, _router in registry.api_routers}
    for service in catalogue.SERVICES:
        assert service.api_prefixes <= prefixes | {"participation", "signalements"}, service.key


@pytest.mark.parametrize(("service", "path"), [("leave", "/api/v1/leave/balances"), ("meetings", "/api/v1/meetings"),
                                               ("directory", "/api/v1/directory/links"), ("content", "/api/v1/content/news")])
def test_the_api_of_a_disabled_service_answers_404(world, secretary, django_capture_on_commit_callbacks, service, path):
    headers = {"X-Organisation": world.one.organisation.slug}
    response = secretary.get(path, headers=headers)
    assert response.status_code == 404
    assert response.json()["detail"].replace("'", "’") == "Ce service n’est pas activé pour votre commune"
    assert secretary.get("/api/v1/notifications", headers=headers).status_code == 200  # no service covers it
    _enable(world, [service], django_capture_on_commit_callbacks)
    assert secretary.get(path, headers=headers).status_code == 200
    other = next(p for s, p in [("leave", "/api/v1/leave/balances"), ("meetings", "/api/v1/meetings")] if s != service)
    assert secretary.get(other, headers=headers).status_code == 404
    _enable(world, [], django_capture_on_commit_callbacks)
    assert secretary.get(path, headers=headers).status_code == 404


def test_the_api_of_other_organisations_is_untouched(people, login):
    client = login(people.owner)
    headers = {"X-Organisation": people.org.slug}
    assert client.get("/api/v1/leave/balances", headers=headers).status_code == 200
    assert client.get("/api/v1/meetings", headers=headers).status_code == 200


def test_the_groupements_own_api_is_untouched(world, login):
    client = login(world.coordinator)
    assert client.get("/api/v1/communes/", headers={"X-Organisation": "syndicat-essais"}).status_code == 200
    assert client.get("/api/v1/leave/balances", headers={"X-Organisation": "syndicat-essais"}).status_code == 200
