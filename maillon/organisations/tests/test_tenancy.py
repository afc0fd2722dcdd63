"""Tenancy: a person only ever reaches the organisations they belong to."""

import pytest
from django.core.cache import cache

from maillon.accounts.models import Membership
from maillon.notifications.models import Notification
from maillon.organisations.models import Organisation, Sector


def test_it_shows_the_dashboard_to_a_member(people, login):
    response = login(people.owner).get("/essais/tableau-de-bord/")
    assert response.status_code == 200
    assert "Centre social des Essais" in response.content.decode()


def test_it_hides_another_organisation_as_if_it_did_not_exist(people, login):
    client = login(people.outsider)
    assert client.get("/essais/tableau-de-bord/").status_code == 404
    assert client.get("/nexistepas/tableau-de-bord/").status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(people, client):
    response = client.get("/essais/tableau-de-bord/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def test_it_refuses_a_deactivated_membership(people, login):
    Membership.objects.filter(user=people.owner).update(is_active=False)
    assert login(people.owner).get("/essais/tableau-de-bord/").status_code == 404


def test_it_refuses_an_inactive_organisation(people, login):
    Organisation.objects.filter(pk=people.org.pk).update(is_active=False)
    assert login(people.owner).get("/essais/tableau-de-bord/").status_code == 404


def test_it_does_not_let_a_member_read_another_organisations_notification(people, login):
    theirs = Notification.objects.create(recipient=people.outsider, organisation=people.other_org, title="Secret")
    client = login(people.owner)
    assert client.get(f"/essais/notifications/{theirs.pk}/").status_code == 404
    # Nor by switching the URL to the organisation the row belongs to.
    assert client.get(f"/autre/notifications/{theirs.pk}/").status_code == 404


def test_it_does_not_let_a_member_mark_another_organisations_rows_read(people, login):
    theirs = Notification.objects.create(recipient=people.outsider, organisation=people.other_org, title="Secret")
    login(people.outsider)
    login(people.owner).post("/essais/notifications/tout-lu/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_for_organisation_narrows_every_queryset(people):
    from maillon.organisations.models import DEFAULT_SECTORS

    mine = Sector.objects.for_organisation(people.org)
    assert mine.count() == len(DEFAULT_SECTORS) == 9
    assert not mine.filter(organisation=people.other_org).exists()
    assert Sector.objects.for_organisation(None).count() == 0


def test_a_host_name_serves_only_its_own_organisation(people, login, settings):
    settings.ALLOWED_HOSTS = ["intranet.essais.test", "testserver"]
    Organisation.objects.filter(pk=people.org.pk).update(domain="intranet.essais.test")
    cache.clear()
    member_of_both = people.colleague
    Membership.objects.create(user=member_of_both, organisation=people.other_org)
    client = login(member_of_both)
    assert client.get("/essais/tableau-de-bord/", HTTP_HOST="intranet.essais.test").status_code == 200
    assert client.get("/autre/tableau-de-bord/", HTTP_HOST="intranet.essais.test").status_code == 404
    home = client.get("/", HTTP_HOST="intranet.essais.test")
    assert home["Location"] == "/essais/tableau-de-bord/"
    cache.clear()


def test_a_person_in_two_organisations_switches_in_one_tap(people, login):
    Membership.objects.create(user=people.owner, organisation=people.other_org)
    page = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert 'href="/autre/tableau-de-bord/"' in page


@pytest.mark.parametrize("slug", ["api", "comptes", "static", "healthz"])
def test_reserved_slugs_are_refused(slug):
    from django.core.exceptions import ValidationError

    organisation = Organisation(name="X", slug=slug)
    with pytest.raises(ValidationError):
        organisation.full_clean()


def test_the_middleware_loads_each_membership_with_its_own_roles_as_with_roles_does(people, django_assert_num_queries):
    """organisations.middleware._memberships builds the roles' prefetch itself (issue 14): the same
    memberships, each with its own roles and their sectors, in two queries; no role of someone else."""
    from maillon.accounts.roles import Role
    from maillon.organisations.middleware import _memberships
    from maillon.testing import make_member

    user = make_member(people.org, Role.COORDINATOR, Role.HR, sector_name="Secteur Enfance")
    make_member(people.other_org, Role.DIRECTOR, sector_name=None, user=user)
    make_member(people.org, Role.ADMIN)  # someone else's roles
    expected = list(Membership.objects.active().with_roles().select_related("organisation", "sector")
                    .filter(user=user, organisation__is_active=True).order_by("organisation__name"))
    with django_assert_num_queries(2):
        loaded = _memberships(user=user.pk)
        roles = {m.pk: sorted((a.role, a.sector.name if a.sector else None) for a in m.role_assignments.all()) for m in loaded}
    assert [m.pk for m in loaded] == [m.pk for m in expected]
    assert roles == {m.pk: sorted((a.role, a.sector.name if a.sector else None) for a in m.role_assignments.all()) for m in expected}
    assert all(m.roles == e.roles for m, e in zip(loaded, expected, strict=True))
    assert {"coordinator", "hr", "staff"} <= set(next(m for m in loaded if m.organisation_id == people.org.pk).roles)
    assert _memberships(user=people.owner.pk)[0].roles == frozenset({"staff"})
