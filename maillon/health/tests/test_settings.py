"""The director chooses who else writes records and when they expire; nobody else may."""

import pytest

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry

from ..services import settings_for
from .helpers import make_record, member

pytestmark = pytest.mark.django_db
PAGE = "/essais/fiches-sanitaires/reglages/"


def test_the_director_lets_the_animators_write_and_moves_the_expiry(people, client):
    record = make_record(people.org)
    animator = member(people.org)
    client.force_login(animator)
    assert client.get(f"/essais/fiches-sanitaires/{record.pk}/modifier/").status_code == 404
    client.force_login(member(people.org, Role.DIRECTOR, sector_name=None))
    assert "Réglages des fiches sanitaires" in client.get("/essais/fiches-sanitaires/").content.decode()
    response = client.post(PAGE, {"writer_roles": ["staff"], "validity_end_month": "7", "validity_end_day": "14", "retention_months": "12"})
    assert response.status_code == 302
    saved = settings_for(people.org)
    assert (saved.writer_roles, saved.valid_until(2026).isoformat()) == (["staff"], "2027-07-14")
    assert AuditEntry.objects.filter(action="health.settings").count() == 1
    client.force_login(animator)
    assert client.get(f"/essais/fiches-sanitaires/{record.pk}/modifier/").status_code == 200


def test_a_day_the_month_does_not_have_gets_a_french_message(people, client):
    client.force_login(member(people.org, Role.DIRECTOR, sector_name=None))
    response = client.post(PAGE, {"validity_end_month": "2", "validity_end_day": "30", "retention_months": "12"})
    assert response.status_code == 200 and "Ce mois n&#x27;a pas de tel jour." in response.content.decode()
    response = client.post(PAGE, {"validity_end_month": "13", "validity_end_day": "1", "retention_months": "12"})
    assert "inférieure ou égale à 12" in response.content.decode()


@pytest.mark.parametrize("roles", [(Role.HR,), (Role.ADMIN,), (Role.COORDINATOR,), ()])
def test_nobody_but_the_director_opens_the_settings(people, client, roles):
    client.force_login(member(people.org, *roles))
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"writer_roles": ["staff"], "validity_end_month": "8", "validity_end_day": "31", "retention_months": "1"}).status_code == 404
    assert settings_for(people.org).writer_roles == []
