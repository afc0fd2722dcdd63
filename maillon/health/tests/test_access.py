"""Who may read and write a child's health record: the sector's team and the director only;
everyone else (another sector, HR, admin, reception, another organisation) gets a 404."""

import pytest

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry

from ..models import HealthRecord
from ..services import settings_for
from .helpers import ALLERGY, make_record, member

pytestmark = pytest.mark.django_db

# (roles, home sector, may read the Secteur Enfance child)
MATRIX = [
    ((), "Secteur Enfance", True),  # an animator of the sector
    ((), "Secteur Jeunes et Adolescents", False),  # an animator of another sector
    ((Role.SUPERVISOR,), "Secteur Enfance", True),
    ((Role.SUPERVISOR,), "Secteur Jeunes et Adolescents", False),
    ((Role.COORDINATOR,), "Secteur Enfance", True),
    ((Role.COORDINATOR,), "Secteur Jeunes et Adolescents", False),
    ((Role.DIRECTOR,), None, True),
    ((Role.HR,), "Secteur Enfance", False),  # HR, even with the child's sector as home sector
    ((Role.HR,), None, False),
    ((Role.ADMIN,), "Secteur Enfance", False),
    ((Role.ADMIN,), None, False),
    ((Role.RECEPTION,), None, False),
    ((Role.COMMUNICATION,), None, False),
    ((Role.EQUIPMENT_MANAGER,), None, False),
]


@pytest.mark.parametrize(("roles", "home", "allowed"), MATRIX)
def test_it_lets_only_the_sectors_team_and_the_director_read_a_record(people, client, roles, home, allowed):
    record = make_record(people.org)
    user = member(people.org, *roles, sector_name=home)
    client.force_login(user)
    page = client.get(f"/essais/fiches-sanitaires/{record.pk}/")
    listing = client.get("/essais/fiches-sanitaires/")
    api = client.get(f"/api/v1/health/records/{record.pk}", HTTP_X_ORGANISATION="essais")
    if allowed:
        assert page.status_code == 200 and ALLERGY in page.content.decode()
        assert api.status_code == 200 and api.json()["allergies"] == ALLERGY
        assert "BRINDILLE Élodie" in listing.content.decode()
    else:
        assert (page.status_code, api.status_code) == (404, 404)
        assert listing.status_code == 404 or "BRINDILLE" not in listing.content.decode()
    assert AuditEntry.objects.filter(action="health.read").count() == (2 if allowed else 0)


def test_it_shows_the_tab_only_to_those_who_may_read(people, client):
    animator = member(people.org)
    hr = member(people.org, Role.HR)
    client.force_login(animator)
    assert "Fiches sanitaires" in client.get("/essais/tableau-de-bord/").content.decode()
    client.force_login(hr)
    assert "Fiches sanitaires" not in client.get("/essais/tableau-de-bord/").content.decode()
    assert client.get("/essais/fiches-sanitaires/").status_code == 404


def test_it_answers_404_for_another_organisations_record_and_to_an_outsider(people, client):
    ours = make_record(people.org)
    theirs = make_record(people.other_org, last="Ailleurs")
    director = member(people.org, Role.DIRECTOR, sector_name=None)
    client.force_login(director)
    assert client.get(f"/essais/fiches-sanitaires/{theirs.pk}/").status_code == 404
    assert client.get(f"/essais/fiches-sanitaires/{theirs.pk}/modifier/").status_code == 404
    assert client.get(f"/api/v1/health/records/{theirs.pk}", HTTP_X_ORGANISATION="essais").status_code == 404
    outsider = member(people.other_org, Role.DIRECTOR, sector_name=None)
    client.force_login(outsider)
    assert client.get(f"/essais/fiches-sanitaires/{ours.pk}/").status_code == 404
    assert client.get(f"/api/v1/health/records/{ours.pk}", HTTP_X_ORGANISATION="essais").status_code == 404
    assert client.get(f"/api/v1/health/records/{ours.pk}", HTTP_X_ORGANISATION="autre").status_code == 404
    assert not AuditEntry.objects.filter(action="health.read").exists()


def test_it_sends_someone_without_a_second_factor_to_set_one_up(people, client):
    record = make_record(people.org)
    animator = member(people.org, mfa=False)
    client.force_login(animator)
    assert client.get("/essais/fiches-sanitaires/").status_code == 200  # the list holds no medical field
    response = client.get(f"/essais/fiches-sanitaires/{record.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/2fa/")
    api = client.get(f"/api/v1/health/records/{record.pk}", HTTP_X_ORGANISATION="essais")
    assert api.status_code == 403 and "double authentification" in api.json()["detail"]
    assert not AuditEntry.objects.filter(action="health.read").exists()


def test_it_lets_the_sectors_coordinator_write_and_the_organisation_choose_more_writers(people, client):
    record = make_record(people.org)
    coordinator = member(people.org, Role.COORDINATOR)
    other_coordinator = member(people.org, Role.COORDINATOR, sector_name="Secteur Jeunes et Adolescents")
    animator = member(people.org)
    director = member(people.org, Role.DIRECTOR, sector_name=None)
    edit = f"/essais/fiches-sanitaires/{record.pk}/modifier/"
    client.force_login(coordinator)
    assert client.get(edit).status_code == 200
    assert client.get("/essais/fiches-sanitaires/nouvelle/").status_code == 200
    for refused in (animator, director, other_coordinator):
        client.force_login(refused)
        assert client.get(edit).status_code == 404
    settings = settings_for(people.org)
    settings.writer_roles = [Role.STAFF, Role.DIRECTOR]
    settings.save()
    for allowed in (animator, director):
        client.force_login(allowed)
        assert client.get(edit).status_code == 200
    client.force_login(other_coordinator)  # still not: the child is not in their sector
    assert client.get(edit).status_code == 404
    assert HealthRecord.objects.count() == 1
