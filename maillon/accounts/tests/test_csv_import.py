"""CSV import of staff: encodings, delimiters, per-line errors, idempotence."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.accounts.csv_import import (
    CsvFileError,
    decode,
    import_members,
    parse_roles,
    role_lookup,
    template_csv,
)
from maillon.accounts.models import Membership, User
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.organisations.models import Sector

URL = "/essais/admin/membres/import/"
HEADER = "prenom;nom;email;identifiant;secteur;fonction;roles"

MIXED = "\n".join([
    HEADER,
    "Camille;Dupré;camille@exemple.test;;Secteur Enfance;Animatrice;salarié",  # 2 ok
    "Dominique;Morel;pas-une-adresse;;Secteur Enfance;;staff",  # 3 bad e-mail
    "Sacha;Leroy;sacha@exemple.test;;Secteur Inconnu;;staff",  # 4 unknown sector
    "Alex;Martin;camille@exemple.test;;;;staff",  # 5 duplicate in file
    "Noa;Petit;noa@exemple.test;;Cyber Espace;;staff|magicien",  # 6 unknown role
    "Lou;Bernard;lou@exemple.test;;Cyber Espace;Coordinatrice",  # 7 missing column
    "",  # 8 blank: ignored
    "Yanis;Roux;yanis@exemple.test;y.roux;Cyber Espace;Coordinateur;staff|Coordinateur·rice de secteur",  # 9 ok
    "Inès;Garnier;ines@exemple.test;;;;coordinator",  # 10 coordinator without sector
    ";Faure;faure@exemple.test;;;;",  # 11 first name missing
])


def upload(content: bytes, name="equipe.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def hr_client(people, login):
    return login(people.with_role(Role.HR))


def test_it_imports_good_lines_and_reports_each_bad_line_in_french(people, hr_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(URL, {"file": upload(MIXED.encode())})
    assert response.status_code == 200
    report = response.context["report"]
    assert sorted(report.created) == ["camille@exemple.test", "yanis@exemple.test"]
    errors = dict(report.errors)
    assert sorted(errors) == [3, 4, 5, 6, 7, 10, 11]
    assert errors[3] == "L’adresse e-mail « pas-une-adresse » n’est pas valide."
    assert errors[4] == "Secteur inconnu : « Secteur Inconnu »."
    assert errors[5] == "L’adresse e-mail camille@exemple.test figure deux fois dans le fichier (déjà ligne 2)."
    assert errors[6] == "Rôle(s) inconnu(s) : magicien."
    assert errors[7] == "Ligne incomplète : 7 colonnes attendues, 6 trouvées."
    assert errors[10] == "Le rôle « Coordinateur·rice de secteur » demande un secteur : remplissez la colonne secteur."
    assert errors[11] == "Le prénom (prenom) manque."
    page = response.content.decode()
    assert "Ligne 3" in page and "Secteur inconnu" in page

    yanis = Membership.objects.with_roles().select_related("user", "sector").get(user__email="yanis@exemple.test")
    assert yanis.user.username == "y.roux" and yanis.sector.name == "Cyber Espace" and yanis.job_title == "Coordinateur"
    assert yanis.roles == {"staff", "coordinator"} and [s.name for s in yanis.sectors_for("coordinator")] == ["Cyber Espace"]
    assert not User.objects.filter(email__in=["sacha@exemple.test", "noa@exemple.test", "lou@exemple.test", "ines@exemple.test"]).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["camille@exemple.test", "yanis@exemple.test"]
    entry = AuditEntry.objects.get(action="membership.import")
    assert entry.data["created"] == 2 and entry.data["errors"] == 7 and entry.organisation == people.org


def test_it_does_not_duplicate_anyone_when_the_same_file_is_imported_again(people, hr_client):
    hr_client.post(URL, {"file": upload(MIXED.encode())})
    response = hr_client.post(URL, {"file": upload(MIXED.encode())})
    report = response.context["report"]
    assert report.created == [] and sorted(report.unchanged) == ["camille@exemple.test", "yanis@exemple.test"]
    assert User.objects.filter(email="camille@exemple.test").count() == 1
    assert Membership.objects.filter(user__email="camille@exemple.test").count() == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_it_reads_the_usual_encodings_and_delimiters(people, hr_client, encoding, delimiter):
    Sector.objects.create(organisation=people.org, name="Secteur Séniors")  # an accented sector name
    text = "\r\n".join([
        HEADER.replace(";", delimiter),
        delimiter.join(["Éloïse", "Lefèvre", "eloise@exemple.test", "", "Secteur Séniors", "Médiatrice", "Accueil / gestion des salles"]),
    ])
    response = hr_client.post(URL, {"file": upload(text.encode(encoding))})
    assert response.context["report"].errors == []
    membership = Membership.objects.with_roles().select_related("user", "sector").get(user__email="eloise@exemple.test")
    assert membership.user.first_name == "Éloïse" and membership.user.last_name == "Lefèvre"
    assert membership.sector.name == "Secteur Séniors" and membership.job_title == "Médiatrice"
    assert membership.roles == {"reception"}


def test_it_adds_people_of_another_organisation_as_members(people, hr_client):
    text = f"prenom,nom,email\n{people.outsider.first_name},{people.outsider.last_name},{people.outsider.email}\n"
    report = hr_client.post(URL, {"file": upload(text.encode())}).context["report"]
    assert report.added == [people.outsider.email]
    assert Membership.objects.filter(user=people.outsider).count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"nom;email\nDupont;d@exemple.test\n", "equipe.csv", "Colonne(s) manquante(s) : prenom."),
        (b"", "equipe.csv", "Le fichier soumis est vide."),
        (b"prenom;nom;email\n", "equipe.xlsx", "Envoyez un fichier .csv"),
        (b"prenom;nom;email\n" + b"x" * (1024 * 1024), "equipe.csv", "Le fichier doit peser 1 Mo au maximum."),
        (b"prenom;nom;email\nA\x81\x8d\x8f;B;c@exemple.test\n", "equipe.csv", "L’encodage du fichier n’est pas reconnu"),
    ],
)
def test_it_refuses_unusable_files_with_a_clear_message(people, hr_client, content, name, message):
    response = hr_client.post(URL, {"file": upload(content, name)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="membership.import").exists()


def test_it_offers_a_template_that_imports_cleanly(people, hr_client):
    response = hr_client.get(URL + "modele.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbfprenom;nom;email")
    report = import_members(people.org, template_csv(), actor=people.owner)
    assert report.errors == [] and len(report.created) == 2


def test_it_refuses_an_admin_role_imported_by_hr(people):
    hr = people.with_role(Role.HR)
    membership = Membership.objects.with_roles().get(user=hr, organisation=people.org)
    data = f"{HEADER}\nA;B;ab@exemple.test;;;;admin\n".encode()
    report = import_members(people.org, data, actor=hr, actor_membership=membership)
    assert len(report.errors) == 1 and report.errors[0][0] == 2
    assert not User.objects.filter(email="ab@exemple.test").exists()


def test_it_matches_role_keys_labels_and_short_names(db):
    lookup = role_lookup()
    assert parse_roles("staff|Coordinateur·rice de secteur| RH |directrice", lookup) == (["staff", "coordinator", "hr", "director"], [])
    assert parse_roles("", lookup) == (["staff"], [])
    assert parse_roles("chef", lookup) == (["staff"], ["chef"])


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="cp1252", exclude_categories=["Cs", "Cc"]), max_size=40))
def test_it_decodes_any_text_saved_in_utf8_or_windows_1252(text):
    assert decode(text.encode("utf-8")) == text
    assert decode(("\ufeff" + text).encode("utf-8")) == text
    if any(ord(c) > 127 for c in text):
        try:
            text.encode("cp1252").decode("utf-8")
        except UnicodeDecodeError:
            assert decode(text.encode("cp1252")) == text


def test_it_reports_an_undecodable_file(db):
    with pytest.raises(CsvFileError):
        decode(b"\x81\x8d\x8f\x90\x9d")
