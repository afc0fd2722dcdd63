"""Validity and retention: the June reminder to each sector's coordinator (once a year, counts
only), the daily purge past retention and deletion by hand, each leaving a purge record
without a name or a medical field."""

import datetime
import json

import pytest
from django.core import mail  # noqa: F401  (the outbox is reset by pytest-django)
from hypothesis import given
from hypothesis import strategies as st

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.core import periodic
from maillon.notifications.models import Notification

from .. import retention
from ..models import HealthContact, HealthDocument, HealthRecord, HealthSettings
from ..services import settings_for
from .helpers import ALLERGY, make_record, member

JUNE = datetime.date(2027, 6, 3)


def test_it_registers_the_reminder_and_the_purge_as_periodic_jobs():
    assert periodic.JOBS["health.expiry_reminder"].period == "monthly"
    assert periodic.JOBS["health.purge"].period == "daily"


@given(today=st.dates(datetime.date(2000, 1, 1), datetime.date(2090, 12, 31)), month=st.integers(1, 12), day=st.integers(1, 31))
def test_the_next_expiry_is_the_coming_end_of_validity_within_a_year(today, month, day):
    health_settings = HealthSettings(validity_end_month=month, validity_end_day=day)
    expiry = retention.next_expiry(health_settings, today)
    assert today <= expiry < today + datetime.timedelta(days=367)
    assert expiry.month == month and (expiry.day == day or expiry.day < day)  # 31 → 30 in a short month


def test_the_reminder_comes_two_months_before_the_records_end():
    assert retention.reminder_month(HealthSettings()) == 6
    assert retention.reminder_month(HealthSettings(validity_end_month=1)) == 11


@pytest.mark.django_db
def test_it_tells_each_coordinator_in_june_how_many_of_their_sectors_records_expire_once_a_year(people):
    for i in range(3):
        make_record(people.org, first=f"Enfant{i}", school_year=2026)  # valid until 31 August 2027
    make_record(people.org, first="Suivant", school_year=2027)  # valid until 2028: not counted
    make_record(people.org, "Secteur Jeunes et Adolescents", first="Ado", school_year=2026)
    childhood = member(people.org, Role.COORDINATOR)
    youth = member(people.org, Role.COORDINATOR, sector_name="Secteur Jeunes et Adolescents")
    animator = member(people.org)
    assert retention.send_expiry_reminders(datetime.date(2027, 5, 30)) == 0
    assert retention.send_expiry_reminders(JUNE) == 2
    mine = Notification.objects.get(recipient=childhood)
    assert mine.title == "3 fiches sanitaires du Secteur Enfance expirent le 31 août 2027"
    assert "Enfant" not in mine.title + mine.body and mine.url.endswith("&etat=valides")
    assert Notification.objects.get(recipient=youth).title == "1 fiche sanitaire du Secteur Jeunes et Adolescents expire le 31 août 2027"
    assert not Notification.objects.filter(recipient=animator).exists()
    assert retention.send_expiry_reminders(JUNE + datetime.timedelta(days=20)) == 0  # once a year
    assert Notification.objects.count() == 2
    assert AuditEntry.objects.filter(action="health.expiry_reminder").count() == 1


@pytest.mark.django_db
def test_it_follows_the_organisations_end_of_validity(people):
    health_settings = settings_for(people.org)
    health_settings.validity_end_month, health_settings.validity_end_day = 7, 14
    health_settings.save()
    record = make_record(people.org, school_year=2026)
    HealthRecord.objects.filter(pk=record.pk).update(valid_until=health_settings.valid_until(2026))
    coordinator = member(people.org, Role.COORDINATOR)
    assert retention.send_expiry_reminders(JUNE) == 0  # July's records: May
    assert retention.send_expiry_reminders(datetime.date(2027, 5, 2)) == 1
    assert Notification.objects.get(recipient=coordinator).title.endswith("expire le 14 juillet 2027")


def _record(org, first, *, valid_until, enrolled):
    record = make_record(org, first=first)
    HealthRecord.objects.filter(pk=record.pk).update(valid_until=valid_until, last_enrolled_on=enrolled)
    HealthDocument.objects.create(record=record, meta={"kind": "scan"}, content=b"x")
    return record


@pytest.mark.django_db
def test_the_daily_purge_deletes_records_a_year_after_the_last_enrolment_with_a_purge_record(people):
    today = datetime.date(2027, 10, 1)
    gone = _record(people.org, "Partie", valid_until=datetime.date(2026, 8, 31), enrolled=datetime.date(2025, 9, 3))
    enrolled_late = _record(people.org, "Réinscrite", valid_until=datetime.date(2026, 8, 31), enrolled=datetime.date(2026, 11, 2))
    still_valid = _record(people.org, "Valide", valid_until=datetime.date(2027, 8, 31), enrolled=datetime.date(2025, 6, 1))
    elsewhere = _record(people.other_org, "Ailleurs", valid_until=datetime.date(2026, 8, 31), enrolled=datetime.date(2025, 9, 3))
    other_settings = settings_for(people.other_org)
    other_settings.retention_months = 36
    other_settings.save()
    assert retention.purge_due(today) == 1
    assert set(HealthRecord.objects.values_list("pk", flat=True)) == {enrolled_late.pk, still_valid.pk, elsewhere.pk}
    assert not HealthContact.objects.filter(record_id=gone.pk).exists()
    assert not HealthDocument.objects.filter(record_id=gone.pk).exists()
    purge = AuditEntry.objects.get(action="health.purge")
    assert purge.organisation == people.org and purge.actor is None
    assert purge.data["reason"] == "retention" and purge.data["count"] == 1 and purge.data["cutoff"] == "2026-10-01"
    assert purge.data["records"] == [{"id": gone.pk, "school_year": gone.school_year, "valid_until": "2026-08-31",
                                      "last_enrolled_on": "2025-09-03"}]
    stored = json.dumps(purge.data, ensure_ascii=False) + purge.target_label
    assert "Partie" not in stored and "Brindille" not in stored and ALLERGY not in stored
    assert retention.purge_due(today) == 0  # nothing twice
    assert retention.purge_due(datetime.date(2029, 9, 1)) == 3


@pytest.mark.django_db
def test_a_writer_or_the_director_deletes_a_record_by_hand_after_confirming(people, client):
    record = make_record(people.org)
    url = f"/essais/fiches-sanitaires/{record.pk}/supprimer/"
    for refused in (member(people.org), member(people.org, Role.COORDINATOR, sector_name="Secteur Jeunes et Adolescents"),
                    member(people.org, Role.HR), member(people.org, Role.ADMIN, sector_name=None),
                    member(people.other_org, Role.DIRECTOR, sector_name=None)):
        client.force_login(refused)
        assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    client.force_login(member(people.org, Role.COORDINATOR))
    page = client.get(url).content.decode()
    assert "Supprimer la fiche sanitaire de Élodie Brindille ?" in page and "Supprimer définitivement" in page
    assert HealthRecord.objects.filter(pk=record.pk).exists()
    response = client.post(url, follow=True)
    assert "La fiche sanitaire de Élodie Brindille a été supprimée, avec ses contacts et ses documents." in response.content.decode()
    assert not HealthRecord.objects.exists() and not HealthContact.objects.exists()
    purge = AuditEntry.objects.get(action="health.purge")
    assert purge.data["reason"] == "by_hand" and purge.data["records"][0]["id"] == record.pk
    assert "Brindille" not in json.dumps(purge.data) + purge.target_label
    other = make_record(people.org, first="Jules")
    client.force_login(member(people.org, Role.DIRECTOR, sector_name=None))
    assert client.post(f"/essais/fiches-sanitaires/{other.pk}/supprimer/").status_code == 302
    assert not HealthRecord.objects.exists()
