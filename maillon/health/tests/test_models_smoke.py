import datetime

import pytest

from maillon.health.models import HealthContact, HealthRecord


@pytest.mark.django_db
def test_it_reads_back_what_was_written_and_stores_no_plaintext(people, django_db_blocker):
    from django.db import connection

    record = HealthRecord.objects.create(organisation=people.org, first_name="Élodie", last_name="Brindille",
                                         birth_date=datetime.date(2017, 3, 4), school_year=2026,
                                         valid_until=datetime.date(2027, 8, 31), allergies="Arachides",
                                         has_pai=True, dtp_date=datetime.date(2024, 1, 2))
    HealthContact.objects.create(record=record, name="Martine Brindille", phone="06 12 34 56 78", may_collect=True)
    fresh = HealthRecord.objects.get(pk=record.pk)
    assert (fresh.allergies, fresh.has_pai, fresh.dtp_date, fresh.diet) == ("Arachides", True, datetime.date(2024, 1, 2), "")
    assert fresh.search_name == "brindille elodie"
    contact = fresh.contacts.get()
    assert (contact.name, contact.may_collect, contact.is_guardian) == ("Martine Brindille", True, False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT allergies, has_pai FROM health_healthrecord WHERE id = %s", [record.pk])
        row = cursor.fetchone()
    assert "Arachides" not in row[0] and row[0].startswith("h1:")
