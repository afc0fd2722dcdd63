"""The outing sheet: chosen children only, readable by the same people as the records, one
audit entry per sheet with the children's ids, a fixed number of queries, a PDF that says the
same, and a 404 for any child the person may not read."""

import pytest

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.testing import pdf_text

from ..models import HealthContact
from .helpers import ALLERGY, PHONE, make_record, member

pytestmark = pytest.mark.django_db

PICKER = "/essais/fiches-sanitaires/sortie/"
SHEET = "/essais/fiches-sanitaires/sortie/fiche/"
PDF = "/essais/fiches-sanitaires/sortie/fiche.pdf"


def query(*records, title=""):
    return "?" + "&".join(f"enfants={r.pk}" for r in records) + (f"&titre={title}" if title else "")


def test_it_lists_the_children_of_the_sectors_one_may_read_as_checkboxes(people, client):
    ours = make_record(people.org)
    youth = make_record(people.org, "Secteur Jeunes et Adolescents", first="Maël", last="Ombrelune")
    client.force_login(member(people.org))
    html = client.get(PICKER).content.decode()
    assert f'name="enfants" value="{ours.pk}"' in html and "BRINDILLE Élodie" in html
    assert "Ombrelune".upper() not in html and f'value="{youth.pk}"' not in html
    assert ALLERGY not in html  # no medical field on the picker
    client.force_login(member(people.org, Role.DIRECTOR, sector_name=None))
    html = client.get(PICKER + "?q=ombrel").content.decode()
    assert "OMBRELUNE Maël" in html and "BRINDILLE" not in html


def test_it_prints_what_an_animator_needs_for_each_chosen_child_and_audits_it(people, client):
    first = make_record(people.org, treatments="Ventoline avant l'effort", allows_outings=True, allows_emergency_care=True)
    second = make_record(people.org, first="Jules", last="Aubépine", allergies="", has_pai=False)
    HealthContact.objects.create(record=second, name="Paul Aubépine", phone="07 11 22 33 44", relationship="Père", may_collect=False)
    left_out = make_record(people.org, first="Zoé", last="Restelà")
    client.force_login(member(people.org))
    response = client.get(SHEET + query(first, second, title="Parc de la Tête d'Or"))
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "Fiche de sortie · Parc de la Tête d&#x27;Or" in html
    assert "BRINDILLE Élodie" in html and "AUBÉPINE Jules" in html and "RESTELÀ" not in html
    assert ALLERGY in html and "Ventoline avant l&#x27;effort" in html and PHONE in html
    assert html.count("PAI : projet d'accueil individualisé") == 1  # the first child only
    assert html.count("Transport non autorisé") == 2 and html.count("Sorties non autorisées") == 1
    assert "Paul Aubépine (Père)" in html and html.count("ne peut pas venir chercher l'enfant") == 1
    assert "Dr Bérengère Tilleuil" in html
    entry = AuditEntry.objects.get(action="health.outing_sheet")
    assert sorted(entry.data["records"]) == sorted([first.pk, second.pk]) and entry.data["format"] == "page"
    assert left_out.pk not in entry.data["records"]
    assert not AuditEntry.objects.filter(action="health.read").exists()


def test_it_gives_the_same_sheet_as_a_pdf(people, client):
    record = make_record(people.org)
    client.force_login(member(people.org))
    response = client.get(PDF + query(record, title="Piscine"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Fiche de sortie · Piscine" in text and "BRINDILLE Élodie" in text and ALLERGY in text
    assert "Martine Brindille (Mère) : 06 12 34 56 78" in text and "Dr Bérengère Tilleuil" in text
    assert AuditEntry.objects.get(action="health.outing_sheet").data == {"records": [record.pk], "format": "pdf", "title": "Piscine"}


def test_it_reads_the_same_number_of_queries_for_two_or_twenty_children(people, client, django_assert_max_num_queries):
    records = [make_record(people.org, first=f"Enfant{i}", last=f"Essai{i}") for i in range(20)]
    client.force_login(member(people.org))
    client.get(SHEET + query(*records[:2]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        assert client.get(SHEET + query(*records[:2])).status_code == 200
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(SHEET + query(*records)).status_code == 200
    assert len(two) == len(twenty) <= 20
    with django_assert_max_num_queries(12):
        client.get(PICKER)


ACCESS = [
    ((), "Secteur Enfance", True),
    ((Role.COORDINATOR,), "Secteur Enfance", True),
    ((Role.DIRECTOR,), None, True),
    ((), "Secteur Jeunes et Adolescents", False),
    ((Role.COORDINATOR,), "Secteur Jeunes et Adolescents", False),
    ((Role.HR,), "Secteur Enfance", False),
    ((Role.ADMIN,), None, False),
    ((Role.RECEPTION,), None, False),
]


@pytest.mark.parametrize(("roles", "home", "allowed"), ACCESS)
def test_it_gives_the_sheet_only_to_those_who_may_read_every_child_on_it(people, client, roles, home, allowed):
    record = make_record(people.org)
    client.force_login(member(people.org, *roles, sector_name=home))
    codes = [client.get(url + query(record)).status_code for url in (SHEET, PDF)]
    assert codes == ([200, 200] if allowed else [404, 404])
    assert AuditEntry.objects.filter(action="health.outing_sheet").count() == (2 if allowed else 0)


def test_it_answers_404_when_one_child_is_of_another_organisation_or_the_list_is_junk(people, client):
    ours = make_record(people.org)
    theirs = make_record(people.other_org, last="Ailleurs")
    client.force_login(member(people.org, Role.DIRECTOR, sector_name=None))
    assert client.get(SHEET + query(ours, theirs)).status_code == 404
    assert client.get(PDF + query(theirs)).status_code == 404
    assert client.get(SHEET + "?enfants=abc").status_code == 404
    outsider = member(people.other_org, Role.DIRECTOR, sector_name=None)
    client.force_login(outsider)
    assert client.get(SHEET + query(ours)).status_code == 404
    assert client.get(PICKER).status_code == 404 or "BRINDILLE" not in client.get(PICKER).content.decode()
    assert not AuditEntry.objects.filter(action="health.outing_sheet").exists()


def test_it_asks_to_choose_a_child_and_wants_a_second_factor(people, client):
    record = make_record(people.org)
    client.force_login(member(people.org))
    response = client.get(SHEET + "?titre=Piscine", follow=True)
    assert response.redirect_chain[0][0].startswith(PICKER)
    assert "Choisissez au moins un enfant." in response.content.decode()
    client.force_login(member(people.org, mfa=False))
    assert client.get(PICKER).status_code == 200
    response = client.get(SHEET + query(record))
    assert response.status_code == 302 and response["Location"].startswith("/comptes/2fa/")
    assert not AuditEntry.objects.filter(action="health.outing_sheet").exists()
