"""Import from a CSV file (all or nothing, a French report line by line) and the director's
export (decrypted only in the response, audited); a CSV exported then imported gives the same
records. Only writers import, only the director exports; anyone else, another organisation
included, gets a 404."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry

from .. import imports
from ..models import HealthContact, HealthRecord
from .helpers import ALLERGY, current_school_year, make_record, member

pytestmark = pytest.mark.django_db
ENTER_A_CONTACT = "Saisissez au moins un responsable légal ou un contact d&#x27;urgence."

IMPORT = "/essais/fiches-sanitaires/import/"
TEMPLATE = "/essais/fiches-sanitaires/import/modele.csv"
EXPORT = "/essais/fiches-sanitaires/export.csv"
HEADER = ("prenom;nom;date_naissance;sexe;secteurs;annee_scolaire;medecin;telephone_medecin;allergies;pai;"
          "autorise_sorties;contact1_nom;contact1_telephone;contact1_lien;contact1_responsable_legal;contact1_peut_recuperer")


def line(first="Lou", last="Câprier", birth="12/05/2016", sex="F", sectors="Secteur Enfance", year=None, doctor="Dr Anselme Vigne",
         doctor_phone="04 72 00 11 22", allergies="Kiwi", pai="oui", outings="oui", contact="Inès Câprier", phone="0611223344",
         relationship="Mère", guardian="oui", collect="oui"):
    year = current_school_year() if year is None else year
    return ";".join([first, last, birth, sex, sectors, str(year), doctor, doctor_phone, allergies, pai, outings, contact, phone,
                     relationship, guardian, collect])


def upload(*lines, header=HEADER, encoding="utf-8", name="fiches.csv"):
    return SimpleUploadedFile(name, "\n".join([header, *lines]).encode(encoding), content_type="text/csv")


def coordinator(people):
    return member(people.org, Role.COORDINATOR)


def test_it_gives_a_template_with_every_column(people, client):
    client.force_login(coordinator(people))
    response = client.get(TEMPLATE)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.startswith("prenom;nom;date_naissance;sexe;secteurs;annee_scolaire;")
    assert "contact3_peut_recuperer" in text and len(text.strip().splitlines()) == 1


def test_it_imports_every_line_of_a_right_file_encrypted_and_audited(people, client):
    client.force_login(coordinator(people))
    response = client.post(IMPORT, {"file": upload(line(), line(first="Noé", last="Ardoisier", sex="M", allergies="", pai="non"))})
    html = response.content.decode()
    assert response.status_code == 200 and "2 fiches sanitaires ont été importées." in html
    assert html.count("Importée") == 2
    lou = HealthRecord.objects.get(first_name="Lou")
    assert (lou.allergies, lou.has_pai, lou.allows_outings, lou.birth_date) == ("Kiwi", True, True, datetime.date(2016, 5, 12))
    assert lou.doctor_phone == "04 72 00 11 22" and [s.name for s in lou.sectors.all()] == ["Secteur Enfance"]
    contact = HealthContact.objects.get(record=lou)
    assert (contact.name, contact.phone, contact.is_guardian, contact.may_collect) == ("Inès Câprier", "06 11 22 33 44", True, True)
    assert AuditEntry.objects.get(action="health.import").data == {"records": 2}
    assert AuditEntry.objects.filter(action="health.create").count() == 2


def test_it_saves_nothing_and_says_why_line_by_line_when_one_line_is_wrong(people, client):
    client.force_login(coordinator(people))
    file = upload(line(), line(first="Noé", birth="31/02/2016", pai="peut-être", phone="12"),
                  line(first="Zélie", sectors="Secteur Inconnu", sex="X"), line(first="Tom", contact="", phone="", relationship=""))
    html = client.post(IMPORT, {"file": file}).content.decode()
    assert "Rien n'a été enregistré : 3 lignes sur 4 à corriger." in html
    assert not HealthRecord.objects.exists() and not AuditEntry.objects.filter(action="health.import").exists()
    report = html[html.find("import-report"):]
    assert "<td data-label=\"Ligne\">3</td>" in report and "<code>date_naissance</code> : Saisissez une date valide." in report
    assert "<code>pai</code> : Écrivez « oui » ou « non » (ici : « peut-être »)." in report
    assert "<code>contact1_telephone</code> : Saisissez un numéro de téléphone" in report
    assert "<code>secteurs</code> : Secteur inconnu : « Secteur Inconnu »." in report
    assert "<code>sexe</code> : Écrivez « F » ou « M », ou laissez la case vide." in report
    assert "<code>contact1_nom</code> : " + ENTER_A_CONTACT in report
    assert report.count('status-ok">OK') == 1  # line 2 was right, and still not saved


@pytest.mark.parametrize(("content", "message"), [
    ("prénom;nom\nLou;Câprier".encode("cp1252"), "Ce fichier n'est pas en UTF-8"),
    (b"\x00\x01\x02PK\x03\x04 binaire", "Ce fichier n'est pas un fichier CSV"),
    (f'{HEADER}\n"Lou;Câprier;12/05/2016'.encode(), "Ce fichier n'est pas un fichier CSV lisible (ligne 2)."),
    (b"prenom;nom;age\nLou;C;9", "La première ligne ne correspond pas au modèle (colonnes manquantes : date_naissance, secteurs, annee_scolaire ; colonnes inconnues : age)."),
    (HEADER.encode(), "Ce fichier ne contient aucun enfant"),
    (b"", "Le fichier soumis est vide."),
])
def test_it_refuses_a_bad_file_with_a_french_message(people, client, content, message):
    client.force_login(coordinator(people))
    response = client.post(IMPORT, {"file": SimpleUploadedFile("fiches.csv", content)})
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert message in html
    assert not HealthRecord.objects.exists()


def test_it_refuses_a_file_too_large(people, client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_SIZE", 200)
    client.force_login(coordinator(people))
    html = client.post(IMPORT, {"file": upload(line(), line(first="Noé"), line(first="Zélie"))}).content.decode()
    assert "Ce fichier est trop volumineux" in html and not HealthRecord.objects.exists()


def test_it_refuses_a_child_already_recorded_or_twice_in_the_file_and_a_sector_one_may_not_write(people, client):
    make_record(people.org, first="Lou", last="Câprier")
    HealthRecord.objects.filter(first_name="Lou").update(birth_date=datetime.date(2016, 5, 12))
    client.force_login(coordinator(people))
    html = client.post(IMPORT, {"file": upload(line(), line(first="Noé"), line(first="Noé"),
                                               line(first="Zélie", sectors="Secteur Jeunes et Adolescents"))}).content.decode()
    html = html.replace("&#x27;", "'")
    assert "Cet enfant a déjà une fiche sanitaire pour cette année scolaire." in html
    assert "Cet enfant figure déjà sur une ligne précédente du fichier." in html
    assert "Vous ne pouvez pas mettre de fiche dans ce secteur : « Secteur Jeunes et Adolescents »." in html
    assert HealthRecord.objects.count() == 1


ACCESS = [
    ((Role.COORDINATOR,), "Secteur Enfance", True, False),
    ((Role.DIRECTOR,), None, False, True),
    ((), "Secteur Enfance", False, False),  # an animator reads, does not write
    ((Role.COORDINATOR,), "Secteur Jeunes et Adolescents", True, False),  # imports into their own sector only
    ((Role.HR,), "Secteur Enfance", False, False),
    ((Role.ADMIN,), None, False, False),
]


@pytest.mark.parametrize(("roles", "home", "imports_ok", "exports_ok"), ACCESS)
def test_it_lets_writers_import_and_the_director_export_and_nobody_else(people, client, roles, home, imports_ok, exports_ok):
    make_record(people.org)
    client.force_login(member(people.org, *roles, sector_name=home))
    assert client.get(IMPORT).status_code == (200 if imports_ok else 404)
    assert client.post(IMPORT, {"file": upload(line())}).status_code == (200 if imports_ok else 404)
    assert client.get(EXPORT).status_code == (200 if exports_ok else 404)
    assert AuditEntry.objects.filter(action="health.export").count() == (1 if exports_ok else 0)


def test_it_answers_404_to_another_organisation(people, client):
    make_record(people.org)
    outsider = member(people.other_org, Role.DIRECTOR, sector_name=None)
    client.force_login(outsider)
    for url in (IMPORT, TEMPLATE, EXPORT):
        assert client.get(url).status_code == 404
    assert client.post(IMPORT, {"file": upload(line())}).status_code == 404
    assert HealthRecord.objects.count() == 1


def test_it_exports_decrypted_records_that_import_back_the_same(people, client):
    record = make_record(people.org, diet="Sans porc", treatments="=cmd|' /C calc'!A0", allows_outings=True)
    HealthContact.objects.create(record=record, name="Papi Brindille", phone="+41791234567", relationship="Grand-père",
                                 is_guardian=False, may_collect=False, position=1)
    director = member(people.org, Role.DIRECTOR, sector_name=None)
    client.force_login(director)
    response = client.get(EXPORT)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = response.content.decode("utf-8-sig")
    assert ALLERGY in text and "Sans porc" in text and "04/03/2017" in text
    assert ";'=cmd|" in text and ";'+41791234567;" in text  # no formula in a spreadsheet
    assert AuditEntry.objects.get(action="health.export").data == {"records": 1}
    before = {f: getattr(record, f) for f in HealthRecord.ENCRYPTED}
    contacts_before = [(c.name, c.phone, c.relationship, c.is_guardian, c.may_collect) for c in record.contacts.all()]
    HealthRecord.objects.all().delete()
    coordinator_user = coordinator(people)
    client.force_login(coordinator_user)
    html = client.post(IMPORT, {"file": SimpleUploadedFile("export.csv", response.content)}).content.decode()
    assert "1 fiche sanitaire a été importée." in html
    again = HealthRecord.objects.get()
    assert {f: getattr(again, f) for f in HealthRecord.ENCRYPTED} == before
    assert [(c.name, c.phone, c.relationship, c.is_guardian, c.may_collect) for c in again.contacts.all()] == contacts_before
