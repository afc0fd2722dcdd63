"""A groupement's overview of its communes' scores, and the rules it writes for them."""

import pytest
from django.urls import reverse

from maillon.accounts.roles import Role
from maillon.communes.models import Commune
from maillon.diagnostic import services
from maillon.testing import OrganisationFactory, QueryCounter

from .conftest import _privileged
from .test_views import completed


@pytest.fixture
def groupement(town):
    office = OrganisationFactory(name="Syndicat numérique des Essais", slug="syndicat", kind="groupement")
    for n, commune in enumerate([town.commune, town.other]):
        Commune.objects.create(organisation=commune, groupement=office, insee_code=f"3200{n}", siret=f"1234567890001{n}",
                               population=500 + n, mayor_name="Maire", secretary_email=f"s{n}@exemple.test")
    office.director = _privileged(office, Role.DIRECTOR)
    office.staff = _privileged(office, Role.STAFF)
    return office


def test_the_overview_lists_each_commune_latest_scores_in_flat_queries(town, groupement, client):
    completed(town)
    services.record_selfcheck(town.commune.memberships.get(user=town.director), ["backups"])
    client.force_login(groupement.director)
    index = reverse("diagnostic:index", kwargs={"org": "syndicat"})
    with QueryCounter() as first:
        response = client.get(index)
    rows = {r["commune"].slug: r for r in response.context["rows"]}
    assert rows["saint-essai"]["overall"] == 89 and rows["saint-essai"]["security"] == 7
    assert rows["villeautre"]["overall"] is None and response.context["never"] == 1
    for _i in range(3):
        completed(town)
        completed(town, organisation=town.other)
    with QueryCounter() as second:
        client.get(index)
    assert len(second) == len(first)


def test_only_the_groupement_director_and_admins_see_the_overview(town, groupement, client):
    index = reverse("diagnostic:index", kwargs={"org": "syndicat"})
    client.force_login(groupement.staff)
    assert client.get(index).status_code == 403
    client.force_login(town.director)
    assert client.get(index).status_code == 404  # not a member of the groupement


def test_the_groupement_rules_advise_its_communes_which_no_longer_edit_their_own(town, groupement, client):
    diagnostic = completed(town)
    client.force_login(town.director)
    assert client.get(reverse("diagnostic:rules", kwargs={"org": "saint-essai"})).status_code == 403
    client.force_login(groupement.director)
    response = client.post(reverse("diagnostic:rules", kwargs={"org": "syndicat"}),
                           {"target": "service:reception", "area": "security", "below": "101"})
    assert response.status_code == 200  # 101 refused with a message
    client.post(reverse("diagnostic:rules", kwargs={"org": "syndicat"}), {"target": "service:reception", "area": "web", "below": "60"})
    bundle, _plan = services.recommendation(diagnostic)
    assert "reception" in [s.key for s in bundle]
