"""Directory: tenancy, editing rights, vCards, staff directory, API."""

import pytest

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.content.search import search
from maillon.directory.models import Contact, Facilitator, Link, Partner
from maillon.directory.vcard import vcard
from maillon.testing import QueryCounter


def partner(org, name="CAF du Val-Fleuri", **fields):
    return Partner.objects.create(organisation=org, name=name, **fields)


def test_it_lists_only_the_organisations_partners(people, login):
    partner(people.org, "CAF du Val-Fleuri", kind=Partner.Kind.FUNDER)
    partner(people.other_org, "Partenaire d'ailleurs")
    page = login(people.owner).get("/essais/annuaire/").content.decode()
    assert "CAF du Val-Fleuri" in page and "Financeur" in page
    assert "ailleurs" not in page
    assert login(people.outsider).get("/essais/annuaire/").status_code == 404


def test_it_refuses_another_organisations_entries_by_id(people, login):
    foreign = partner(people.other_org, "Ailleurs")
    contact = Contact.objects.create(organisation=people.other_org, partner=foreign, name="Mme Secrète")
    facilitator = Facilitator.objects.create(organisation=people.other_org, name="M. Loin", skills="danse")
    director = people.with_role(Role.DIRECTOR)
    client = login(director)
    assert client.get(f"/essais/annuaire/partenaires/{foreign.pk}/").status_code == 404
    assert client.get(f"/essais/annuaire/contacts/{contact.pk}/vcard/").status_code == 404
    assert client.get(f"/essais/annuaire/animateurs/{facilitator.pk}/vcard/").status_code == 404
    assert client.post(f"/essais/annuaire/partenaire/{foreign.pk}/modifier/", {"kind": "partner", "name": "Piraté"}).status_code == 404
    assert client.post(f"/essais/annuaire/partenaire/{foreign.pk}/supprimer/").status_code == 404
    assert client.post(f"/essais/annuaire/partenaires/{foreign.pk}/contacts/ajouter/", {"name": "Intrus"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Ailleurs" and not Contact.objects.filter(name="Intrus").exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.COMMUNICATION, Role.COORDINATOR, Role.RECEPTION, Role.ADMIN])
def test_it_lets_authorised_roles_edit(people, login, role):
    client = login(people.with_role(role))
    response = client.post("/essais/annuaire/partenaire/ajouter/", {"kind": "funder", "name": "Région Auvergne-Rhône-Alpes", "tags": "région"})
    found = Partner.objects.get(name="Région Auvergne-Rhône-Alpes")
    assert response.status_code == 302 and found.organisation == people.org
    assert AuditEntry.objects.filter(action="directory.partner.create", target_id=str(found.pk)).exists()
    client.post(f"/essais/annuaire/partenaires/{found.pk}/contacts/ajouter/", {"name": "Claire Dupuis", "function": "Chargée de mission", "phone": "04 72 00 00 01"})
    assert found.contacts.get().organisation == people.org


@pytest.mark.parametrize("role", [Role.STAFF, Role.HR, Role.SUPERVISOR, Role.EQUIPMENT_MANAGER])
def test_it_refuses_editing_to_other_roles(people, login, role):
    user = people.owner if role == Role.STAFF else people.with_role(role)
    found = partner(people.org)
    client = login(user)
    assert client.get("/essais/annuaire/partenaire/ajouter/").status_code == 403
    assert client.post(f"/essais/annuaire/partenaire/{found.pk}/supprimer/").status_code == 403
    assert "Ajouter un partenaire" not in client.get("/essais/annuaire/").content.decode()


def test_it_shows_french_errors_on_bad_input(people, login):
    client = login(people.with_role(Role.DIRECTOR))
    response = client.post("/essais/annuaire/partenaire/ajouter/", {"kind": "partner", "name": "", "phone": "abc", "email": "pas-un-mail"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in page and "Saisissez un numéro de téléphone" in page and "Saisissez une adresse de courriel valide" in page


def test_it_deletes_after_confirmation(people, login):
    found = partner(people.org, "À retirer")
    client = login(people.with_role(Role.COMMUNICATION))
    assert "Supprimer « À retirer » de l’annuaire" in client.get(f"/essais/annuaire/partenaire/{found.pk}/supprimer/").content.decode()
    assert Partner.objects.filter(pk=found.pk).exists()
    client.post(f"/essais/annuaire/partenaire/{found.pk}/supprimer/")
    assert not Partner.objects.filter(pk=found.pk).exists()


def test_it_exports_a_contact_as_vcard(people, login):
    found = partner(people.org, "Mairie de Val-Fleuri")
    contact = Contact.objects.create(organisation=people.org, partner=found, name="Jean Martin", function="Adjoint, jeunesse", phone="04 72 00 00 02", email="j.martin@mairie.test")
    response = login(people.owner).get(f"/essais/annuaire/contacts/{contact.pk}/vcard/")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/vcard")
    assert "FN:Jean Martin" in text and "N:Martin;Jean;;;" in text and "ORG:Mairie de Val-Fleuri" in text
    assert "TITLE:Adjoint\\, jeunesse" in text and "TEL;TYPE=WORK,VOICE:04 72 00 00 02" in text


def test_it_escapes_vcard_values():
    text = vcard(name="A; B", note="ligne 1\nligne 2")
    assert "FN:A\\; B" in text and "NOTE:ligne 1\\nligne 2" in text and text.endswith("END:VCARD\r\n")


def test_it_hides_internal_comments_from_staff(people, login):
    Facilitator.objects.create(organisation=people.org, name="Samir Benali", skills="hip-hop", internal_comment="Arrive souvent en retard")
    assert "Arrive souvent en retard" not in login(people.owner).get("/essais/annuaire/animateurs/").content.decode()
    page = login(people.with_role(Role.COORDINATOR)).get("/essais/annuaire/animateurs/").content.decode()
    assert "Samir Benali" in page and "Arrive souvent en retard" in page


def test_it_lists_portals_and_useful_links(people, login):
    Link.objects.create(organisation=people.org, kind=Link.Kind.FUNDER_PORTAL, level=Link.Level.CAF, title="Mon Compte Partenaire CAF", url="https://www.caf.fr/partenaires")
    Link.objects.create(organisation=people.org, kind=Link.Kind.USEFUL, title="Uniformation", url="https://www.uniformation.fr/")
    page = login(people.owner).get("/essais/annuaire/liens/").content.decode()
    assert "Mon Compte Partenaire CAF" in page and "Uniformation" in page and "Portails des financeurs" in page


def test_it_shows_the_staff_directory_with_sector_and_roles(people, login):
    people.owner.phone = "06 00 00 00 01"
    people.owner.save()
    coordinator = people.with_role(Role.COORDINATOR)
    page = login(people.colleague).get("/essais/annuaire/equipe/").content.decode()
    assert people.owner.display_name in page and "06 00 00 00 01" in page and "Secteur Enfance" in page
    assert coordinator.display_name in page and "Coordinat" in page
    assert people.outsider.display_name not in page


def test_it_indexes_entries_for_search(people, login):
    client = login(people.with_role(Role.DIRECTOR))
    client.post("/essais/annuaire/animateur/ajouter/", {"name": "Léa Fontaine", "skills": "théâtre d'improvisation"})
    from maillon.accounts.models import Membership

    membership = Membership.objects.with_roles().get(user=people.owner, organisation=people.org)
    assert [e.title for e in search(membership, "theatre")] == ["Léa Fontaine"]
    found = Facilitator.objects.get(name="Léa Fontaine")
    client.post(f"/essais/annuaire/animateur/{found.pk}/supprimer/")
    assert search(membership, "theatre") == []


def test_its_lists_query_counts_do_not_grow(people, login):
    client = login(people.owner)
    urls = ("/essais/annuaire/", "/essais/annuaire/animateurs/", "/essais/annuaire/liens/", "/essais/annuaire/equipe/")

    def measure():
        counts = []
        for url in urls:
            client.get(url)
            with QueryCounter() as q:
                client.get(url)
            counts.append(len(q))
        return counts

    def add(i):
        p = partner(people.org, f"Partenaire {i}")
        Contact.objects.create(organisation=people.org, partner=p, name=f"Contact {i}")
        Facilitator.objects.create(organisation=people.org, name=f"Animateur {i}", skills="jeux")
        Link.objects.create(organisation=people.org, title=f"Lien {i}", url="https://exemple.test/")

    add(-1)
    few = measure()
    for i in range(12):
        p = partner(people.org, f"Partenaire {i}")
        Contact.objects.create(organisation=people.org, partner=p, name=f"Contact {i}")
        Facilitator.objects.create(organisation=people.org, name=f"Animateur {i}", skills="jeux")
        Link.objects.create(organisation=people.org, title=f"Lien {i}", url="https://exemple.test/")
        people.with_role(Role.COORDINATOR)
    assert measure() == few


def test_its_api_lists_the_directory_of_the_organisation(people, login):
    found = partner(people.org, "CAF du Val-Fleuri", tags="famille, jeunesse")
    Contact.objects.create(organisation=people.org, partner=found, name="Claire Dupuis")
    foreign = partner(people.other_org, "Ailleurs")
    Facilitator.objects.create(organisation=people.org, name="Samir", skills="danse", internal_comment="secret")
    client = login(people.owner)
    data = client.get("/api/v1/directory/partners", HTTP_X_ORGANISATION="essais").json()
    assert [p["name"] for p in data] == ["CAF du Val-Fleuri"] and data[0]["tags"] == ["famille", "jeunesse"]
    detail = client.get(f"/api/v1/directory/partners/{found.pk}", HTTP_X_ORGANISATION="essais").json()
    assert detail["contacts"][0]["name"] == "Claire Dupuis"
    assert client.get(f"/api/v1/directory/partners/{foreign.pk}", HTTP_X_ORGANISATION="essais").status_code == 404
    assert client.get("/api/v1/directory/facilitators", HTTP_X_ORGANISATION="essais").json()[0]["internal_comment"] is None
    assert login(people.outsider).get("/api/v1/directory/partners", HTTP_X_ORGANISATION="essais").status_code == 404
