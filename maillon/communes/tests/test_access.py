"""Services per commune (one check at each request), support access, tenancy of the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.audit.models import AuditEntry
from maillon.communes import services
from maillon.communes.models import Commune, SupportAccess
from maillon.notifications.models import Notification
from maillon.testing import QueryCounter, give_totp

from .conftest import row


def url(name, org, **kwargs):
    return reverse(name, kwargs={"org": org, **kwargs})


def own_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secretary(world):
    give_totp(world.secretary)
    return own_client(world.secretary)


def nav_urls(response) -> set[str]:
    return {entry["url"] for entry in response.context["nav_entries"]}


def test_disabled_service_is_a_french_404_and_hidden_from_navigation(world, secretary, django_capture_on_commit_callbacks):
    slug = world.one.organisation.slug
    response = secretary.get(url("procedures:index", slug))
    assert response.status_code == 404
    assert "Ce service n’est pas activé pour votre commune" in response.content.decode().replace("'", "’")
    dashboard = nav_urls(secretary.get(url("dashboard", slug)))
    assert url("procedures:index", slug) not in dashboard and url("leave:mine", slug) not in dashboard
    assert url("dashboard", slug) in dashboard
    with django_capture_on_commit_callbacks(execute=True):
        services.set_services(world.membership(world.coordinator), world.one, ["procedures"])
    assert secretary.get(url("procedures:index", slug)).status_code == 200
    dashboard = nav_urls(secretary.get(url("dashboard", slug)))
    assert url("procedures:index", slug) in dashboard and url("leave:mine", slug) not in dashboard
    assert secretary.get(url("leave:mine", slug)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.set_service(world.membership(world.coordinator), world.one, "procedures", False)
    assert secretary.get(url("procedures:index", slug)).status_code == 404
    assert list(AuditEntry.objects.filter(action__startswith="commune.service").values_list("action", flat=True)) == [
        "commune.service_enabled", "commune.service_disabled"]


def test_organisations_outside_a_groupement_are_untouched(people, login):
    client = login(people.owner)
    assert client.get(url("procedures:index", people.org.slug)).status_code == 200
    assert url("leave:mine", people.org.slug) in nav_urls(client.get(url("dashboard", people.org.slug)))


def test_groupement_pages_only_for_its_staff(world, login, secretary):
    commune = world.one
    assert login(world.coordinator).get(url("communes:detail", "syndicat-essais", pk=commune.pk)).status_code == 200
    for user, org in [(world.staff_only, "syndicat-essais"), (world.other_coordinator, "autre-syndicat"),
                      (world.other_coordinator, "syndicat-essais")]:
        client = login(user)
        assert client.get(url("communes:detail", org, pk=commune.pk)).status_code == 404
        if user != world.other_coordinator or org == "syndicat-essais":
            assert client.get(url("communes:index", org)).status_code == 404
        assert client.post(url("communes:services", org, pk=commune.pk), {"services": ["procedures"]}).status_code == 404
    assert secretary.get(url("communes:index", commune.organisation.slug)).status_code == 404
    assert not Commune.objects.get(pk=commune.pk).organisation.memberships.filter(user=world.other_coordinator).exists()
    assert services.state(commune.organisation)["enabled"] == []


def test_index_lists_searches_and_counts_queries_flat(world, login):
    client = login(world.coordinator)
    page = client.get(url("communes:index", "syndicat-essais")).content.decode()
    assert "Commune des Essais 1" in page and "Commune des Essais 2" in page and "Commune des Essais 3" not in page
    page = client.get(url("communes:index", "syndicat-essais") + "?q=essais 2").content.decode()
    assert "Commune des Essais 2" in page and "Commune des Essais 1<" not in page
    assert client.get(url("communes:index", "syndicat-essais") + "?q=%00&page=zz").status_code == 200
    with QueryCounter() as few:
        client.get(url("communes:index", "syndicat-essais"))
    for n in range(10, 22):
        services.provision(world.membership(world.coordinator), row(n))
    with QueryCounter() as many:
        assert client.get(url("communes:index", "syndicat-essais")).status_code == 200
    assert len(many) == len(few)


def test_overview_counts_requests_and_idle(world):
    from maillon.accounts.models import User

    User.objects.filter(pk=world.secretary.pk).update(last_login=timezone.now())
    rows = {r["commune"].pk: r for r in services.overview(world.membership(world.coordinator))}
    assert set(rows) == {world.one.pk, world.two.pk}
    assert not rows[world.one.pk]["idle"] and rows[world.two.pk]["idle"] and rows[world.two.pk]["requests"] == 0


# ----------------------------------------------------------------------------- support access

@pytest.fixture
def supporter(world):
    give_totp(world.coordinator)
    return own_client(world.coordinator)


def _grant(world, client, hours="2"):
    return client.post(url("communes:support_request", "syndicat-essais", pk=world.one.pk), {"hours": hours, "reason": "Aide au paramétrage"})


def test_support_access_is_shown_audited_and_revocable(world, supporter, secretary, django_capture_on_commit_callbacks):
    slug = world.one.organisation.slug
    assert supporter.get(url("dashboard", slug)).status_code == 404  # not before asking
    with django_capture_on_commit_callbacks(execute=True):
        assert _grant(world, supporter).status_code == 302
    access = SupportAccess.objects.get()
    page = supporter.get(url("dashboard", slug)).content.decode()
    until = timezone.localtime(access.ends_at).strftime("%H:%M")
    assert f"Accès support à Commune des Essais 1 jusqu’à {until}" in page.replace("'", "’")
    assert AuditEntry.objects.filter(action="commune.support_granted", organisation=world.one.organisation).exists()
    assert Notification.objects.filter(recipient=world.secretary).exists()
    listing = secretary.get(url("communes:support_list", slug)).content.decode()
    assert "Aide au paramétrage" in listing and "Révoquer" in listing
    with django_capture_on_commit_callbacks(execute=True):
        assert secretary.post(url("communes:support_revoke", slug, pk=access.pk)).status_code == 302
    assert supporter.get(url("dashboard", slug)).status_code == 404  # at once
    access.refresh_from_db()
    assert access.revoked_by == world.secretary and not Membership.objects.get(pk=access.membership_id).is_active
    assert AuditEntry.objects.filter(action="commune.support_revoked").exists()


def test_support_access_expires_at_request_time(world, supporter, django_capture_on_commit_callbacks):
    slug = world.one.organisation.slug
    with django_capture_on_commit_callbacks(execute=True):
        _grant(world, supporter, hours="1")
    assert supporter.get(url("dashboard", slug)).status_code == 200
    SupportAccess.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    services.forget(world.one.organisation_id)
    response = supporter.get(url("dashboard", slug))
    assert response.status_code == 404 and "Votre accès support est terminé" in response.content.decode()
    assert supporter.get(url("dashboard", slug)).status_code == 404
    assert SupportAccess.objects.get().ended_at is not None
    assert AuditEntry.objects.filter(action="commune.support_expired").count() == 1


def test_expired_support_ends_even_when_the_cache_still_knows_it(world, supporter, monkeypatch, django_capture_on_commit_callbacks):
    slug = world.one.organisation.slug
    with django_capture_on_commit_callbacks(execute=True):
        _grant(world, supporter, hours="1")
    assert supporter.get(url("dashboard", slug)).status_code == 200  # the state is cached now
    later = timezone.now() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert supporter.get(url("dashboard", slug)).status_code == 404


@pytest.mark.parametrize("hours", ["0", "9", "x", "\x00"])
def test_support_duration_bounds(world, supporter, hours):
    response = _grant(world, supporter, hours=hours)
    assert response.status_code == 400 and not SupportAccess.objects.exists()


def test_the_commune_may_not_revoke_another_communes_access(world, supporter, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _grant(world, supporter)
    access = SupportAccess.objects.get()
    other = world.two.organisation.memberships.get().user
    give_totp(other)
    client = login(other)
    assert client.post(url("communes:support_revoke", world.two.organisation.slug, pk=access.pk)).status_code == 404
    assert client.get(url("communes:support_list", world.two.organisation.slug)).content.decode().count("Aide au paramétrage") == 0
    assert SupportAccess.objects.get().revoked_at is None


def test_periodic_job_ends_expired_accesses(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        access = services.grant_support(world.membership(world.coordinator), world.one, hours=1, reason="Aide")
    SupportAccess.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    assert services.end_expired() == 1
    assert not Membership.objects.get(pk=access.membership_id).is_active


def test_expired_support_acts_no_more_through_the_api(world, supporter, django_capture_on_commit_callbacks):
    """The API meets the same end as the pages: not an hour later, when the job closes it."""
    slug = world.one.organisation.slug
    with django_capture_on_commit_callbacks(execute=True):
        _grant(world, supporter, hours="1")
    headers = {"X-Organisation": slug}
    assert supporter.get("/api/v1/notifications", headers=headers).status_code == 200
    SupportAccess.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    services.forget(world.one.organisation_id)
    response = supporter.get("/api/v1/notifications", headers=headers)
    assert response.status_code == 404 and "accès support" in response.json()["detail"]
    assert SupportAccess.objects.get().ended_at is not None
    assert supporter.get("/api/v1/notifications", headers=headers).status_code == 404
