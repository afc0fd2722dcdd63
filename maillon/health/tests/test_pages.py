"""The list (by sector then name, no medical field, fixed queries, small page), the record page
(one audit entry per read, the director finds who read it), the form and its French errors,
the documents."""

import datetime
import gzip
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.testing import QueryCounter, sector

from ..models import HealthContact, HealthDocument, HealthRecord
from .helpers import ALLERGY, DOCTOR, PHONE, current_school_year, make_record, member

pytestmark = pytest.mark.django_db
LIST = "/essais/fiches-sanitaires/"


def many_records(org, count, sector_name="Secteur Enfance"):
    """``count`` records in one go (bulk), with the encrypted fields filled."""
    year = current_school_year()
    records = HealthRecord.objects.bulk_create([
        HealthRecord(organisation=org, first_name=f"Prénom{i:03d}", last_name=f"Nomdefamille{i:03d}", search_name=f"nomdefamille{i:03d} prenom{i:03d}",
                     birth_date=datetime.date(2015, 1 + i % 12, 1 + i % 28), school_year=year, valid_until=datetime.date(year + 1, 8, 31),
                     allergies=ALLERGY if i % 3 == 0 else "", has_pai=i % 7 == 0)
        for i in range(count)])
    through = HealthRecord.sectors.through
    through.objects.bulk_create([through(healthrecord_id=r.pk, sector_id=sector(org, sector_name).pk) for r in records])
    return records


def test_it_lists_by_sector_then_name_without_any_medical_field(people, client):
    make_record(people.org, first="Zoé", last="Abeille")
    make_record(people.org, first="Adam", last="Zèbre")
    make_record(people.org, "Secteur Jeunes et Adolescents", first="Jules", last="Aubépine")
    make_record(people.org, first="Old", last="Expiré", school_year=current_school_year() - 1)
    client.force_login(member(people.org, Role.DIRECTOR, sector_name=None))
    page = client.get(LIST).content.decode()
    rows = page[page.index('<h2 class="rows-heading">'):]  # after the filters (their options name the sectors too)
    positions = [rows.index(name) for name in ("Secteur Enfance", "ABEILLE Zoé", "EXPIRÉ Old", "ZÈBRE Adam", "Secteur Jeunes et Adolescents", "AUBÉPINE Jules")]
    assert positions == sorted(positions)
    assert rows.count('status-off">Expirée') == 1
    for medical in (ALLERGY, DOCTOR, "PAI", "Martine Brindille", PHONE):  # the contact, whole (a person of the test may be a Martine)
        assert medical not in page
    assert not AuditEntry.objects.filter(action="health.read").exists()  # the list is not a read of a record


def test_it_finds_a_child_by_name_without_accents_or_case(people, client):
    make_record(people.org, first="Élodie", last="Brindille")
    make_record(people.org, first="Marc", last="Autre")
    client.force_login(member(people.org))
    page = client.get(LIST, {"q": "elodie BRIND"}).content.decode()
    assert "BRINDILLE Élodie" in page and "AUTRE" not in page
    assert "Aucun enfant ne correspond." in client.get(LIST, {"q": "zzz"}).content.decode()
    expired = client.get(LIST, {"etat": "expirees"}).content.decode()
    assert "BRINDILLE" not in expired


def test_the_list_runs_the_same_queries_with_3_or_60_records_at_most_12(people, client):
    client.force_login(member(people.org))
    many_records(people.org, 3)
    client.get(LIST)
    with QueryCounter() as few:
        assert client.get(LIST).status_code == 200
    many_records(people.org, 57)
    with QueryCounter() as many:
        assert client.get(LIST).status_code == 200
    assert len(few) == len(many) <= 12, [q["sql"] for q in many.captured_queries]


def test_the_list_of_500_records_is_at_most_14_kb_compressed(people, client):
    many_records(people.org, 500)
    client.force_login(member(people.org))
    response = client.get(LIST)
    html = response.content
    assert html.count(b'class="row row-link"') == 100  # paginated
    assert len(gzip.compress(html, 6)) <= 14 * 1024, len(gzip.compress(html, 6))


def test_it_audits_each_read_with_who_which_child_and_from_where(people, client):
    record = make_record(people.org)
    animator = member(people.org)
    client.force_login(animator)
    for _ in range(2):
        assert client.get(f"{LIST}{record.pk}/", REMOTE_ADDR="192.0.2.7").status_code == 200
    reads = list(AuditEntry.objects.filter(action="health.read"))
    assert len(reads) == 2
    assert {(e.actor_id, e.target_type, e.target_id, e.ip_address, e.organisation_id) for e in reads} == {
        (animator.pk, "health.healthrecord", str(record.pk), "192.0.2.7", people.org.pk)}


def test_the_director_lists_who_read_a_record_in_the_journal(people, client):
    record = make_record(people.org)
    other = make_record(people.org, last="Autrenfant")
    reader = member(people.org, first_name="Gaston", last_name="Lisfiche")
    client.force_login(reader)
    client.get(f"{LIST}{record.pk}/")
    client.get(f"{LIST}{other.pk}/")
    director = member(people.org, Role.DIRECTOR, sector_name=None, first_name="Hélène", last_name="Dirlo")
    client.force_login(director)
    page = client.get(f"{LIST}{record.pk}/").content.decode()
    assert "Qui a consulté cette fiche" in page
    journal = client.get("/essais/admin/journal/", {"action": "health.read", "target": f"health.healthrecord:{record.pk}"}).content.decode()
    assert "Gaston Lisfiche" in journal and "Hélène Dirlo" in journal and "Autrenfant" not in journal
    assert "Seulement les entrées concernant « Élodie Brindille »." in journal
    client.force_login(reader)
    assert "Qui a consulté cette fiche" not in client.get(f"{LIST}{record.pk}/").content.decode()


def test_opening_a_record_runs_a_fixed_number_of_queries(people, client):
    record = make_record(people.org)
    client.force_login(member(people.org))
    client.get(f"{LIST}{record.pk}/")
    with QueryCounter() as q:
        assert client.get(f"{LIST}{record.pk}/").status_code == 200
    HealthContact.objects.create(record=record, name="Second contact", phone="0611223344")
    with QueryCounter() as more:
        client.get(f"{LIST}{record.pk}/")
    assert len(q) == len(more) <= 16, [x["sql"] for x in q.captured_queries]


def form_data(**overrides):
    data = {
        "first_name": "Lina", "last_name": "Moreau-Vallée", "birth_date": "2016-05-12", "sex": "f", "school_year": str(current_school_year()),
        "doctor_name": "Dr Rémi Fauvel", "doctor_phone": "04 72 00 11 22", "allergies": "Kiwi", "diet": "", "treatments": "",
        "has_pai": "on", "dtp_date": "2022-06-01", "other_vaccinations": "", "medical_notes": "", "allows_outings": "on",
        "signed_on": "", "contacts-TOTAL_FORMS": "2", "contacts-INITIAL_FORMS": "0", "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "8", "contacts-0-name": "Sonia Moreau", "contacts-0-phone": "06 98 76 54 32",
        "contacts-0-relationship": "Mère", "contacts-0-is_guardian": "on", "contacts-0-may_collect": "on",
    }
    data.update(overrides)
    return data


def test_the_coordinator_creates_a_record_with_its_contacts(people, client):
    coordinator = member(people.org, Role.COORDINATOR)
    client.force_login(coordinator)
    enfance = sector(people.org, "Secteur Enfance")
    response = client.post(f"{LIST}nouvelle/", form_data(sectors=[enfance.pk]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    record = HealthRecord.objects.get()
    assert (record.allergies, record.has_pai, record.doctor_phone, record.valid_until.month) == ("Kiwi", True, "04 72 00 11 22", 8)
    assert [(c.name, c.phone, c.is_guardian) for c in record.contacts.all()] == [("Sonia Moreau", "06 98 76 54 32", True)]
    assert AuditEntry.objects.filter(action="health.create", target_id=str(record.pk)).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "La fiche sanitaire de Lina Moreau-Vallée est enregistrée." in page and "Kiwi" in page


def test_an_update_audits_the_names_of_the_changed_fields_not_their_values(people, client):
    record = make_record(people.org)
    client.force_login(member(people.org, Role.COORDINATOR))
    edit = f"{LIST}{record.pk}/modifier/"
    page = client.get(edit).content.decode()
    assert "Martine Brindille" in page and ALLERGY in page
    data = form_data(first_name="Élodie", last_name="Brindille", allergies="Pollen", sectors=[sector(people.org, "Secteur Enfance").pk],
                     **{"contacts-INITIAL_FORMS": "1", "contacts-0-name": "Martine Brindille", "contacts-0-phone": "06 12 34 56 78"})
    assert client.post(edit, data).status_code == 302
    entry = AuditEntry.objects.get(action="health.update")
    assert "allergies" in entry.data["fields"] and "Pollen" not in str(entry.data)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"contacts-0-phone": "12"}, "Saisissez un numéro de téléphone"),
    ({"doctor_phone": "abc"}, "Saisissez un numéro de téléphone"),
    ({"contacts-0-name": "", "contacts-0-phone": "", "contacts-0-relationship": ""}, "Saisissez au moins un responsable légal ou un contact d&#x27;urgence."),
    ({"birth_date": "2999-01-01"}, "La date de naissance est dans le futur."),
    ({"birth_date": "pas une date"}, "Saisissez une date valide."),
    ({"school_year": "1850"}, "supérieure ou égale à 2000"),
    ({"allergies": "x" * 5001}, "5000 caractères"),
    ({"first_name": ""}, "Ce champ est obligatoire."),
])
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(people, client, overrides, message):
    client.force_login(member(people.org, Role.COORDINATOR))
    data = form_data(sectors=[sector(people.org, "Secteur Enfance").pk], **overrides)
    response = client.post(f"{LIST}nouvelle/", data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert "Moreau-Vallée" in page or overrides.get("last_name") == ""
    assert not HealthRecord.objects.exists()


def test_a_sector_the_coordinator_does_not_coordinate_is_refused(people, client):
    client.force_login(member(people.org, Role.COORDINATOR))
    response = client.post(f"{LIST}nouvelle/", form_data(sectors=[sector(people.org, "Secteur Jeunes et Adolescents").pk]))
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert not HealthRecord.objects.exists()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("fiche.pdf", b"MZ\x90\x00 not a pdf", "ne correspond pas à son extension"),
    ("fiche.exe", b"MZ\x90\x00", "Envoyez la fiche en PDF ou en photo"),
    ("fiche.jpg", b"\xff\xd8\xff not really", "n&#x27;est pas une image lisible"),
    ("fiche.pdf", b"", "Le fichier soumis est vide."),
])
def test_a_bad_scan_gets_a_french_message(people, client, name, content, message):
    client.force_login(member(people.org, Role.COORDINATOR))
    data = form_data(sectors=[sector(people.org, "Secteur Enfance").pk], scan=SimpleUploadedFile(name, content))
    response = client.post(f"{LIST}nouvelle/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not HealthRecord.objects.exists()


def test_a_scan_is_stored_encrypted_and_served_decrypted_to_readers_only_audited(people, client):
    client.force_login(member(people.org, Role.COORDINATOR))
    data = form_data(sectors=[sector(people.org, "Secteur Enfance").pk], scan=SimpleUploadedFile("photo fiche.jpg", jpeg()),
                     pai_document=SimpleUploadedFile("pai.pdf", b"%PDF-1.4\nPAI-MARKER\n%%EOF"))
    assert client.post(f"{LIST}nouvelle/", data).status_code == 302
    record = HealthRecord.objects.get()
    documents = {d.kind: d for d in HealthDocument.objects.all()}
    assert set(documents) == {"scan", "pai"}
    assert b"PAI-MARKER" not in bytes(HealthDocument.objects.filter(pk=documents["pai"].pk).values_list("content", flat=True)[0])
    reader = member(people.org)
    client.force_login(reader)
    page = client.get(f"{LIST}{record.pk}/").content.decode()
    assert "pai.pdf" in page and "photo fiche.jpg" in page
    response = client.get(f"{LIST}{record.pk}/documents/{documents['pai'].pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf" and b"PAI-MARKER" in response.content
    assert "no-store" in response["Cache-Control"]
    scan = client.get(f"{LIST}{record.pk}/documents/{documents['scan'].pk}/")
    assert scan["Content-Type"] == "image/jpeg" and scan.content.startswith(b"\xff\xd8\xff")
    assert AuditEntry.objects.filter(action="health.document.read", actor=reader).count() == 2
    client.force_login(member(people.org, sector_name="Secteur Jeunes et Adolescents"))
    assert client.get(f"{LIST}{record.pk}/documents/{documents['pai'].pk}/").status_code == 404
