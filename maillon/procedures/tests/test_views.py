"""Pages: filling and signing, drafts, a submission's page, decisions, the queue, HR follow-up and
CSV, the recap, the back office; tenancy (outsider), roles, query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from maillon.procedures import services
from maillon.procedures.models import Procedure, Submission
from maillon.testing import TEST_PASSWORD, QueryCounter

BASE = "/essais/demarches/"
MILEAGE = {"trajets__rows": "1", "trajets__0__date": "2026-03-02", "trajets__0__objet": "Sortie ferme", "trajets__0__km": "40",
           "trajets__0__montant": "14,00", "iban": "FR76 3000 6000 0112 3456 7890 189"}


@pytest.fixture
def mileage(enable):
    return enable("frais-kilometriques")


def test_it_lists_published_procedures_and_my_requests_in_french(people, login, mileage):
    page = login(people.owner).get(BASE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mes démarches" in html and "Fiche de remboursement de frais / kilométrique" in html
    assert "Vous n’avez encore fait aucune demande" in html
    assert "Gérer les démarches" not in html


def test_it_submits_a_signed_request_from_the_form(people, chain, login, mileage):
    client = login(people.owner)
    url = f"{BASE}nouvelle/{mileage.slug}/"
    assert "Signer et envoyer" in client.get(url).content.decode()
    response = client.post(url, {**MILEAGE, "action": "submit", "signature-password": TEST_PASSWORD})
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == submission.get_absolute_url()
    assert submission.status == "pending" and submission.signature.signer == people.owner
    page = client.get(response["Location"]).content.decode()
    assert "Votre demande est signée et envoyée" in page and "14,00 €" in page and "FR76 3000 6000 0112 3456 7890 189" in page
    assert "Coordination, Secteur Enfance" in page and "En attente de décision" in page


def test_it_keeps_what_was_typed_and_says_what_is_wrong(people, chain, login, mileage):
    client = login(people.owner)
    url = f"{BASE}nouvelle/{mileage.slug}/"
    response = client.post(url, {**MILEAGE, "iban": "FR76 1234", "action": "submit", "signature-password": TEST_PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cet IBAN n’est pas valide" in html
    assert 'value="FR76 1234"' in html and 'value="Sortie ferme"' in html
    assert not Submission.objects.exists()
    # A wrong password: the answers are kept as a draft, nothing is signed.
    response = client.post(url, {**MILEAGE, "action": "submit", "signature-password": "mauvais"})
    assert "Ce mot de passe n’est pas correct" in response.content.decode()
    assert Submission.objects.get().status == "draft"


def test_it_saves_a_draft_then_adds_a_line_and_uploads_a_file(people, login, mileage, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(people.owner)
    response = client.post(f"{BASE}nouvelle/{mileage.slug}/", {"trajets__rows": "1", "trajets__0__objet": "Réunion", "action": "save"})
    draft = Submission.objects.get()
    assert response.status_code == 302 and draft.status == "draft" and draft.data["trajets"] == [{"objet": "Réunion"}]
    edit = f"{BASE}dossiers/{draft.pk}/modifier/"
    page = client.post(edit, {"trajets__rows": "1", "trajets__0__objet": "Réunion", "add_row": "trajets"}).content.decode()
    assert 'name="trajets__1__objet"' in page
    pdf = SimpleUploadedFile("tickets.pdf", b"%PDF-1.4 tickets", content_type="application/pdf")
    client.post(edit, {"trajets__rows": "1", "trajets__0__objet": "Réunion", "justificatifs": pdf, "action": "save"})
    draft.refresh_from_db()
    assert draft.data["justificatifs"]["name"] == "tickets.pdf"
    download = client.get(f"{BASE}dossiers/{draft.pk}/fichiers/{draft.data['justificatifs']['id']}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(people.colleague).get(f"{BASE}dossiers/{draft.pk}/fichiers/{draft.data['justificatifs']['id']}/").status_code == 404


def test_it_hides_a_request_from_colleagues_and_other_organisations(people, chain, flow, login, mileage):
    submission = flow.submit(people.owner, mileage, {"trajets": [{"objet": "x", "montant": "3.00"}], "iban": "FR7630006000011234567890189"})
    url = f"{BASE}dossiers/{submission.pk}/"
    assert login(people.colleague).get(url).status_code == 404
    assert login(people.other_sector).get(url).status_code == 404
    assert login(people.outsider).get(url).status_code == 404
    assert login(people.outsider).get(f"/autre/demarches/dossiers/{submission.pk}/").status_code == 404
    assert login(chain.other_coordinator).get(url).status_code == 404
    for user in (people.owner, chain.coordinator, chain.hr, chain.director):
        assert login(user).get(url).status_code == 200


def test_it_lets_the_approver_sign_a_decision_on_the_page(people, chain, flow, login, mileage):
    submission = flow.submit(people.owner, mileage, {"trajets": [{"objet": "x", "montant": "3.00"}], "iban": "FR7630006000011234567890189"})
    url = f"{BASE}dossiers/{submission.pk}/"
    assert "Signer ma décision" not in login(chain.hr).get(url).content.decode()
    client = login(chain.coordinator)  # the test client is shared: log in last as the person acting
    assert "Signer ma décision" in client.get(url).content.decode()
    response = client.post(f"{url}decision/", {"decision": "reject", "comment": "", "signature-password": TEST_PASSWORD})
    assert "Expliquez votre décision dans un commentaire." in response.content.decode()
    response = client.post(f"{url}decision/", {"decision": "approve", "signature-password": "faux"})
    assert "Ce mot de passe n’est pas correct" in response.content.decode()
    response = client.post(f"{url}decision/", {"decision": "approve", "signature-password": TEST_PASSWORD})
    assert response.status_code == 302
    assert flow.waiting(submission).role == "hr"
    assert login(people.owner).post(f"{url}decision/", {"decision": "approve", "signature-password": TEST_PASSWORD}).status_code == 403


def test_it_withdraws_after_confirmation(people, chain, flow, login, mileage):
    submission = flow.submit(people.owner, mileage, {"trajets": [{"objet": "x", "montant": "3.00"}], "iban": "FR7630006000011234567890189"})
    client = login(people.owner)
    url = f"{BASE}dossiers/{submission.pk}/retirer/"
    assert "Retirer cette demande ?" in client.get(url).content.decode()
    assert Submission.objects.get().status == "pending"
    client.post(url)
    assert Submission.objects.get().status == "withdrawn"
    assert login(people.colleague).post(url).status_code == 404


def _many(flow, people, procedure, n):
    for _ in range(n):
        flow.submit(people.owner, procedure, {"trajets": [{"objet": "x", "montant": "3.00"}], "iban": "FR7630006000011234567890189"})


def _queries(client, url):
    client.get(url)  # warm caches (session, host map)
    with QueryCounter() as q:
        response = client.get(url)
    assert response.status_code == 200
    return len(q)


def test_it_keeps_query_counts_flat_on_list_and_form_pages(people, chain, flow, login, mileage):
    _many(flow, people, mileage, 2)
    owner, coordinator, hr = login(people.owner), None, None
    urls_owner = [BASE, f"{BASE}nouvelle/{mileage.slug}/", "/essais/tableau-de-bord/"]
    few = {url: _queries(owner, url) for url in urls_owner}
    coordinator = login(chain.coordinator)
    few_queue = _queries(coordinator, f"{BASE}a-valider/"), _queries(coordinator, "/essais/tableau-de-bord/")
    hr = login(chain.hr)
    few_oversee = _queries(hr, f"{BASE}suivi/")
    _many(flow, people, mileage, 8)
    owner = login(people.owner)
    assert {url: _queries(owner, url) for url in urls_owner} == few
    assert few[f"{BASE}nouvelle/{mileage.slug}/"] <= 12
    coordinator = login(chain.coordinator)
    assert (_queries(coordinator, f"{BASE}a-valider/"), _queries(coordinator, "/essais/tableau-de-bord/")) == few_queue
    assert _queries(login(chain.hr), f"{BASE}suivi/") == few_oversee


def test_it_shows_the_queue_and_the_dashboard_panels(people, chain, flow, login, mileage):
    flow.submit(people.owner, mileage, {"trajets": [{"objet": "x", "montant": "3.00"}], "iban": "FR7630006000011234567890189"})
    queue = login(chain.coordinator).get(f"{BASE}a-valider/").content.decode()
    assert "1 demande attend votre décision." in queue
    assert "0 demande attend" in login(chain.other_coordinator).get(f"{BASE}a-valider/").content.decode()
    dashboard = login(chain.coordinator).get("/essais/tableau-de-bord/").content.decode()
    assert "À valider" in dashboard and "Fiche de remboursement" in dashboard
    mine = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert "Mes démarches" in mine and "En attente de validation" in mine and "1 demande en cours" in mine


def test_the_dashboard_counts_every_open_request_not_only_the_five_shown(people, flow, login, mileage, make_request):
    for i in range(7):
        flow.submit(people.owner, mileage, {"trajets": [{"objet": f"Sortie {i}", "montant": "3.00"}], "iban": "FR7630006000011234567890189"})
    services.save_draft(make_request(people.owner), mileage, {"trajets": [{"objet": "Brouillon", "montant": "1.00"}]})
    html = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert "7 demandes en cours" in html  # the draft is not « en cours », and the 2 hidden ones count
    assert html.count("Fiche de remboursement de frais / kilométrique") >= 5


def test_it_gives_hr_every_request_with_filters_and_csv(people, chain, flow, login, mileage, enable):
    flow.submit(people.owner, mileage, {"trajets": [{"objet": "Sortie", "montant": "3.00"}], "iban": "FR7630006000011234567890189"})
    flow.submit(people.other_sector, enable("acompte-salaire"), {"montant": "100.00", "date_souhaitee": "2026-05-05"})
    assert login(people.owner).get(f"{BASE}suivi/").status_code == 403
    assert login(chain.coordinator).get(f"{BASE}suivi/").status_code == 403
    client = login(chain.hr)
    html = client.get(f"{BASE}suivi/").content.decode()
    assert "Acompte sur salaire" in html and "Fiche de remboursement" in html
    html = client.get(f"{BASE}suivi/", {"procedure": mileage.pk}).content.decode()
    assert "Acompte sur salaire</a>" not in html and "Fiche de remboursement de frais / kilométrique</a>" in html
    response = client.get(f"{BASE}suivi/", {"format": "csv", "status": "pending"})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("Référence;Démarche;Version;Demandeur·euse")
    assert "Acompte sur salaire" in body and "Objet : " not in body and "Sortie" in body
    assert "IBAN pour le remboursement : FR76 3000" in body


def test_it_prints_a_recap_with_signatures_and_codes(people, chain, flow, login, mileage):
    submission = flow.submit(people.owner, mileage, {"trajets": [{"objet": "x", "montant": "3.00"}], "iban": "FR7630006000011234567890189"})
    flow.approve(chain.coordinator, submission)
    html = login(chain.hr).get(f"{BASE}dossiers/{submission.pk}/recapitulatif/").content.decode()
    submission.refresh_from_db()
    assert submission.signature.display_code in html and "Code de vérification" in html
    assert "maillon signatures verify" in html and "Imprimer" in html and "Télécharger le PDF" in html
    assert login(chain.coordinator).get(f"{BASE}dossiers/{submission.pk}/recapitulatif/").status_code == 403


def test_it_lets_communication_build_and_publish_a_procedure_without_a_developer(people, chain, login):
    assert login(people.owner).get(f"{BASE}gestion/").status_code == 403
    client = login(chain.communication)
    response = client.post(f"{BASE}gestion/nouvelle/", {"title": "Prêt de matériel", "description": "", "category": "logistics",
                                                         "retention_years": "3", "effect": ""})
    procedure = Procedure.objects.get(title="Prêt de matériel")
    editor = f"{BASE}gestion/{procedure.pk}/"
    assert response["Location"] == editor
    client.post(f"{editor}champs/ajouter/", {"label": "Besoin d’un véhicule", "kind": "yesno", "required": "on"})
    client.post(f"{editor}champs/ajouter/", {"label": "Permis", "kind": "file", "extensions": "pdf", "max_size_mb": "2",
                                             "show_if_field": "besoin_dun_vehicule", "show_if_value": "oui"})
    response = client.post(f"{editor}champs/ajouter/", {"label": "Matériel", "kind": "group", "columns": "Objet ; texte\nValeur ; montant", "total": "Valeur"})
    assert response.status_code == 302
    bad = client.post(f"{editor}champs/ajouter/", {"label": "Liste", "kind": "choice", "choices": ""})
    assert "Donnez au moins un choix." in bad.content.decode()
    procedure.refresh_from_db()
    assert [f["kind"] for f in procedure.schema] == ["yesno", "file", "group"]
    assert procedure.schema[1]["show_if"] == {"field": "besoin_dun_vehicule", "value": "oui"}
    assert procedure.schema[2]["total"] == "valeur"
    client.post(f"{editor}champs/materiel/deplacer/", {"direction": "up"})
    procedure.refresh_from_db()
    assert [f["key"] for f in procedure.schema] == ["besoin_dun_vehicule", "materiel", "permis"]
    client.post(f"{editor}circuit/", {"role_0": "equipment_manager", "role_1": "director", "min_amount_1": "300", "reminder_days": "2"})
    client.post(f"{editor}publier/")
    procedure.refresh_from_db()
    assert procedure.status == "published" and procedure.current_version.chain["steps"][1] == {"role": "director", "min_amount": "300"}
    page = login(people.owner).get(f"{BASE}nouvelle/{procedure.slug}/").content.decode()  # noqa: F841 - client switches user
    assert 'data-show-if="besoin_dun_vehicule"' in page and "Ajouter une ligne" in page
    assert login(people.outsider).get(f"/autre/demarches/gestion/{procedure.pk}/").status_code == 403
    other_hr = people.with_role("hr", sector_name=None, organisation=people.other_org)
    assert login(other_hr).get(f"/autre/demarches/gestion/{procedure.pk}/").status_code == 404


def test_it_enables_the_ready_made_procedures_from_the_page_and_the_command(people, chain, login):
    client = login(chain.hr)
    assert "Demande de formation" in client.get(f"{BASE}gestion/modeles/").content.decode()
    client.post(f"{BASE}gestion/modeles/", {"template": "formation"})
    assert Procedure.objects.get(organisation=people.org, template_key="formation").status == "published"
    call_command("procedure_templates", "autre", "--all")
    assert Procedure.objects.filter(organisation=people.other_org, status="published").count() == 18  # 17 of seed 001 and the order of mission
    call_command("procedure_templates", "autre", "--all")
    assert Procedure.objects.filter(organisation=people.other_org).count() == 18


def test_it_manages_delegations_on_a_page(people, chain, login):
    client = login(chain.coordinator)
    response = client.post(f"{BASE}delegations/", {"delegate": people.owner.pk, "start": "2026-08-01", "end": "2026-07-01"})
    assert "La fin est avant le début" in response.content.decode()
    response = client.post(f"{BASE}delegations/", {"delegate": people.outsider.pk, "start": "2026-07-01", "end": "2026-07-10"})
    assert "Choisissez un membre de l’organisation." in response.content.decode()
    client.post(f"{BASE}delegations/", {"delegate": people.colleague.pk, "start": "2026-07-01", "end": "2099-07-10"})
    assert "Je valide à la place de" in login(people.colleague).get(f"{BASE}delegations/").content.decode()
    delegation = services.Delegation.objects.get()
    assert login(people.colleague).post(f"{BASE}delegations/", {"remove": delegation.pk}).status_code == 404
    login(chain.coordinator).post(f"{BASE}delegations/", {"remove": delegation.pk})
    assert not services.Delegation.objects.exists()
