"""The API: same rights as the pages, reads audited, French 422 on bad input, other
organisations' ids refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.testing import sector

from ..models import HealthRecord
from .helpers import ALLERGY, current_school_year, make_record, member

pytestmark = pytest.mark.django_db
API = "/api/v1/health/records"


def body(org, **overrides):
    data = {"first_name": "Noé", "last_name": "Castagne", "birth_date": "2015-02-03", "sex": "m",
            "sectors": [sector(org, "Secteur Enfance").pk], "allergies": "Sésame", "has_pai": True,
            "school_year": current_school_year(), "contacts": [{"name": "Inès Castagne", "phone": "0601020304", "is_guardian": True}]}
    data.update(overrides)
    return data


def call(client, method, url, data=None, org="essais"):
    kwargs = {"HTTP_X_ORGANISATION": org}
    if data is not None:
        kwargs.update(data=json.dumps(data), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def test_the_list_holds_no_medical_field_and_only_the_readers_sectors(people, client):
    make_record(people.org)
    make_record(people.org, "Secteur Jeunes et Adolescents", last="Ailleurs")
    client.force_login(member(people.org))
    answer = call(client, "get", API).json()
    assert [r["last_name"] for r in answer["items"]] == ["Brindille"]
    assert set(answer["items"][0]) == {"id", "first_name", "last_name", "birth_date", "sectors", "school_year", "valid_until", "expired"}
    assert not AuditEntry.objects.filter(action="health.read").exists()


def test_the_coordinator_creates_and_updates_a_record(people, client):
    client.force_login(member(people.org, Role.COORDINATOR))
    created = call(client, "post", API, body(people.org))
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["contacts"][0]["phone"] == "06 01 02 03 04"
    updated = call(client, "put", f"{API}/{pk}", body(people.org, allergies="Sésame, kiwi"))
    assert updated.status_code == 200 and updated.json()["allergies"] == "Sésame, kiwi"
    assert HealthRecord.objects.get().allergies == "Sésame, kiwi"
    assert list(AuditEntry.objects.filter(action__startswith="health.").values_list("action", flat=True).order_by("id")) == ["health.create", "health.update"]
    assert call(client, "get", f"{API}/{pk}").json()["has_pai"] is True
    assert AuditEntry.objects.filter(action="health.read").count() == 1


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"contacts": [{"name": "Inès", "phone": "123"}]}, "contacts", "Saisissez un numéro de téléphone"),
    ({"doctor_phone": "pas un numéro"}, "doctor_phone", "Saisissez un numéro de téléphone"),
    ({"birth_date": "2999-01-01"}, "birth_date", "La date de naissance est dans le futur."),
    ({"allergies": "x" * 5001}, "allergies", "5000"),
    ({"contacts": []}, "contacts", ""),
    ({"sectors": [999999]}, "sectors", "Secteur inconnu."),
])
def test_bad_input_gets_a_french_422(people, client, overrides, field, message):
    client.force_login(member(people.org, Role.COORDINATOR))
    response = call(client, "post", API, body(people.org, **overrides))
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert any(e.get("field") == field or field in e.get("loc", []) for e in errors), errors
    assert any(message in e["msg"] for e in errors), errors
    assert not HealthRecord.objects.exists()


def test_another_organisations_sector_and_record_are_refused(people, client):
    theirs = make_record(people.other_org)
    client.force_login(member(people.org, Role.COORDINATOR))
    response = call(client, "post", API, body(people.org, sectors=[sector(people.other_org, "Secteur Enfance").pk]))
    assert response.status_code == 422 and HealthRecord.objects.count() == 1
    assert call(client, "put", f"{API}/{theirs.pk}", body(people.org)).status_code == 404
    assert HealthRecord.objects.get().allergies == ALLERGY


def test_readers_who_may_not_write_get_404_on_writes(people, client):
    record = make_record(people.org)
    client.force_login(member(people.org))
    assert call(client, "post", API, body(people.org)).status_code == 404
    assert call(client, "put", f"{API}/{record.pk}", body(people.org)).status_code == 404
    client.force_login(member(people.org, Role.HR))
    assert call(client, "get", API).status_code == 404


def test_production_check_requires_a_health_key(tmp_path):
    env = {**os.environ, "MAILLON_ENV": "production", "SECRET_KEY": "production-test-" + "k3y" * 20, "ALLOWED_HOSTS": "maillon.exemple.fr",
           "EMAIL_URL": "smtp://courriel.exemple.fr:587/?tls=True", "MAILLON_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "maillon.settings"}
    for name in ("DATABASE_URL", "HEALTH_KEY", "HEALTH_KEY_FILE"):
        env.pop(name, None)
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-m", "maillon.cli", "check", "--deploy"], env=env, capture_output=True,  # noqa: S603
                            text=True, timeout=120, cwd=root)
    assert "health.E001" in result.stdout + result.stderr and result.returncode != 0
    assert not (tmp_path / "health_key").exists()  # nothing generated in production
