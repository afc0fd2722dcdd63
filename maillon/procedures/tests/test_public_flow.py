"""Public forms (issue 19): a citizen sends a request without an intranet account, gets a receipt
and e-mails, follows it, completes it when the town hall asks for changes, writes to the town
hall; the staff instruct it through the approval chain and answer; retention; French errors."""

import pytest
from django.core import mail

from maillon.citizens import antiabuse
from maillon.citizens.testing import login_citizen
from maillon.procedures import services, services_public
from maillon.procedures.models import Procedure, Step, Submission, SubmissionMessage
from maillon.testing import TEST_PASSWORD

from .public_helpers import Town, citizen, hall_answers, pdf, waste_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return Town("saint-essai")


@pytest.fixture
def hall(town):
    return town.enable("commune-salle")


@pytest.fixture
def habitante(client):
    person = citizen()
    login_citizen(client, person)
    return person


def send(client, town, procedure, answers, capture):
    with capture(execute=True):
        return client.post(f"/{town.org.slug}/demarches-en-ligne/{procedure.slug}/", answers)


def decide(town, user, submission, decision, comment="", capture=None):
    step = Step.objects.get(submission=submission, status=Step.Status.WAITING)
    with capture(execute=True):
        services.decide(town.request(user), step, decision, comment=comment, password=TEST_PASSWORD)


def test_a_citizen_sends_a_request_gets_a_receipt_and_the_chain_starts(client, town, hall, habitante, django_capture_on_commit_callbacks):
    assert client.get(f"/{town.org.slug}/demarches-en-ligne/").content.decode().count(hall.title) == 1
    page = client.get(f"/{town.org.slug}/demarches-en-ligne/{hall.slug}/").content.decode()
    assert 'type="file"' in page and 'class="hp" aria-hidden="true"' in page and "Signer" not in page
    assert "Seulement si « Au nom d&#x27;une association » vaut « oui » :" in page  # no script: the rule is written
    response = send(client, town, hall, hall_answers(), django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/recu/"
    assert submission.citizen == habitante and submission.applicant is None and submission.status == Submission.Status.PENDING
    assert submission.signature is None and submission.data["assurance"]["name"] == "attestation.pdf" and submission.files.count() == 1
    step = Step.objects.get(submission=submission, status=Step.Status.WAITING)
    assert step.role == "reception" and step.label == "Accueil de la mairie"
    receipt = client.get(response["Location"]).content.decode()
    assert submission.reference in receipt and "Suivre ma demande" in receipt
    [email] = [m for m in mail.outbox if m.to == [habitante.email]]
    assert submission.reference in email.subject and "reçu" in email.subject
    assert f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/" in email.body
    # The reception agent is notified and sees the citizen's name and e-mail in the queue and on the request.
    staff = client.__class__()
    staff.force_login(town.reception)
    queue = staff.get(f"/{town.org.slug}/demarches/a-valider/").content.decode()
    assert "Claire Dupouy" in queue and submission.reference in queue
    detail = staff.get(f"/{town.org.slug}/demarches/dossiers/{submission.pk}/").content.decode()
    assert "habitante@exemple.test" in detail and "Messages avec l’habitant" in detail


def test_changes_reopen_the_form_prefilled_and_sending_it_again_goes_on_with_the_chain(
        client, town, hall, habitante, django_capture_on_commit_callbacks):
    send(client, town, hall, hall_answers(), django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    mail.outbox.clear()
    decide(town, town.reception, submission, "changes", "Joignez l'attestation pour la bonne date.", django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.CHANGES
    [email] = mail.outbox
    assert email.subject == f"[Saint Essai] Votre demande {submission.reference} est à compléter"
    assert "Joignez l'attestation pour la bonne date." in email.body and "Castéra" not in email.body
    follow = client.get(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/").content.decode()
    assert "Joignez l&#x27;attestation pour la bonne date." in follow and "completer/" in follow
    form = client.get(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/completer/").content.decode()
    assert 'value="Anniversaire"' in form and "Déjà joint : attestation.pdf" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/completer/",
                               {**{k: v for k, v in hall_answers().items() if k != "assurance"}, "objet": "Anniversaire (40 ans)",
                                "assurance": pdf("attestation-juin.pdf")})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING and submission.round == 2 and submission.data["objet"] == "Anniversaire (40 ans)"
    assert Step.objects.get(submission=submission, status=Step.Status.WAITING).round == 2
    decide(town, town.reception, submission, "approve", capture=django_capture_on_commit_callbacks)
    decide(town, town.secretary, submission, "approve", capture=django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert any("accepté" in m.subject for m in mail.outbox if m.to == [habitante.email])
    follow = client.get(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/").content.decode()
    assert "Demande acceptée" in follow and "Rappel" not in follow


def test_staff_and_citizen_write_to_each_other(client, town, hall, habitante, django_capture_on_commit_callbacks):
    send(client, town, hall, hall_answers(), django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    mail.outbox.clear()
    staff = client.__class__()
    staff.force_login(town.reception)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/{town.org.slug}/demarches/dossiers/{submission.pk}/messages/",
                              {"body": "La salle est libre ce jour-là.", "attachment": pdf("reglement.pdf")})
    assert response.status_code == 302
    [email] = mail.outbox
    assert email.to == [habitante.email] and "La salle est libre ce jour-là." in email.body
    assert "Nadine" in email.body and "Castéra" not in email.body
    follow = client.get(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/").content.decode()
    assert "La salle est libre ce jour-là." in follow and "reglement.pdf" in follow and "Castéra" not in follow
    message = SubmissionMessage.objects.get()
    download = client.get(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/message/{message.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/", {"body": "Merci beaucoup !"})
    detail = staff.get(f"/{town.org.slug}/demarches/dossiers/{submission.pk}/").content.decode()
    assert "Merci beaucoup !" in detail
    # An empty message or a script file: French errors, nothing stored.
    response = client.post(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/", {"body": "  "})
    assert "Ce champ est obligatoire" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/",
                           {"body": "Voici", "attachment": SimpleUploadedFile("virus.exe", b"MZ...")})
    assert "Ce type de fichier n" in response.content.decode() or "n’est pas accepté" in response.content.decode()
    assert SubmissionMessage.objects.count() == 2


def test_bad_input_is_refused_with_french_messages(client, town, hall, habitante, django_capture_on_commit_callbacks):
    url = f"/{town.org.slug}/demarches-en-ligne/{hall.slug}/"
    response = client.post(url, {"salle": "Salle des fêtes"})
    page = response.content.decode()
    assert response.status_code == 200 and "Ce champ est obligatoire" in page and page.startswith("<!doctype html>") or "Erreur" in page
    page = client.post(url, hall_answers(telephone="12")).content.decode()
    assert "Saisissez un numéro de téléphone" in page or "numéro de téléphone" in page
    fake = pdf()
    fake.file.write(b"")  # keep it a PDF; now a PNG that is not one
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(url, hall_answers(assurance=SimpleUploadedFile("photo.png", b"not a png"))).content.decode()
    assert "ne correspond pas" in page
    page = client.post(url, hall_answers(website="http://spam.example")).content.decode()
    assert "automatique" in page
    assert Submission.objects.count() == 0


def test_sends_are_rate_limited_per_email(client, town, habitante, monkeypatch, django_capture_on_commit_callbacks):
    waste = town.enable("commune-encombrants")
    monkeypatch.setitem(antiabuse.LIMITS, "email", 2)
    for _ in range(2):
        assert send(client, town, waste, waste_answers(), django_capture_on_commit_callbacks).status_code == 302
    response = send(client, town, waste, waste_answers(), django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "Trop d" in response.content.decode()
    assert Submission.objects.count() == 2


def test_the_form_asks_for_a_sign_in_first(client, town, hall):
    response = client.get(f"/{town.org.slug}/demarches-en-ligne/{hall.slug}/")
    assert response.status_code == 302 and f"/{town.org.slug}/citoyens/connexion/?next=" in response["Location"]
    assert client.get(f"/{town.org.slug}/demarches-en-ligne/").status_code == 200  # the list is open


def test_a_citizen_withdraws_and_is_told(client, town, habitante, django_capture_on_commit_callbacks):
    waste = town.enable("commune-encombrants")
    send(client, town, waste, waste_answers(), django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    url = f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/retirer/"
    assert "Retirer" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.WITHDRAWN
    assert not Step.objects.filter(submission=submission, status=Step.Status.WAITING).exists()
    assert any("retirée" in m.subject for m in mail.outbox)


def test_a_chain_nobody_holds_falls_to_the_administrators(client, habitante, django_capture_on_commit_callbacks):
    town = Town("sans-accueil")
    from maillon.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(membership__user=town.reception, role="reception").delete()
    waste = town.enable("commune-encombrants")
    send(client, town, waste, waste_answers(), django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.PENDING
    assert Step.objects.get(submission=submission, status=Step.Status.WAITING).role == "admin"


def test_retention_anonymises_the_citizen_and_the_messages(client, town, habitante, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    census = town.enable("commune-recensement")
    assert census.retention_action == Procedure.RetentionAction.ANONYMISE
    with django_capture_on_commit_callbacks(execute=True):
        submission = services_public.send_request(town.request(), census, habitante, {"nom": "Dupouy", "prenoms": "Claire"})
        services_public.post_message(submission, body="Pièce manquante", user=town.reception, upload=pdf())
    decide(town, town.reception, submission, "approve", capture=django_capture_on_commit_callbacks)
    long_ago = timezone.now() - timedelta(days=6 * 366)
    Submission.objects.filter(pk=submission.pk).update(closed_at=long_ago)
    services.purge_expired()
    submission.refresh_from_db()
    assert submission.citizen is None and submission.data == {} and submission.anonymised_at
    message = SubmissionMessage.objects.get()
    assert message.body == "" and not message.attachment and message.author is None
    assert submission.status == Submission.Status.APPROVED  # the figure stays


def test_the_groupement_counts_citizens_requests_this_month(client, town, habitante, django_capture_on_commit_callbacks):
    from maillon.accounts.models import Membership
    from maillon.accounts.roles import Role
    from maillon.communes.services import overview
    from maillon.testing import make_member

    waste = town.enable("commune-encombrants")
    send(client, town, waste, waste_answers(), django_capture_on_commit_callbacks)
    groupement = town.org.commune_profile.groupement
    staff = make_member(groupement, Role.DIRECTOR, sector_name=None, username="syndicat-direction")
    membership = Membership.objects.with_roles().select_related("organisation").get(user=staff, organisation=groupement)
    [row] = overview(membership)
    assert row["requests"] == 1


def test_the_builder_offers_the_public_audience_and_templates_only_with_the_service(client):
    from maillon.procedures.forms import ProcedureForm
    from maillon.procedures.municipal import MUNICIPAL

    town, plain = Town("avec-service"), Town("sans-service", services_=("procedures",))
    assert "audience" in ProcedureForm(organisation=town.org).fields
    assert "audience" not in ProcedureForm(organisation=plain.org).fields
    staff = client.__class__()
    staff.force_login(town.secretary)
    page = staff.get(f"/{town.org.slug}/demarches/gestion/modeles/").content.decode()
    missing = [t["title"] for t in MUNICIPAL.values() if t["title"].replace("'", "&#x27;") not in page]
    assert missing == [], page[:3000]
    staff.force_login(plain.secretary)
    page = staff.get(f"/{plain.org.slug}/demarches/gestion/modeles/").content.decode()
    assert "Enlèvement d&#x27;encombrants" not in page
    assert staff.post(f"/{plain.org.slug}/demarches/gestion/modeles/", {"template": "commune-encombrants"}).status_code == 404


def test_the_follow_up_list_finds_citizens_requests_by_name_or_email(client, town, habitante, django_capture_on_commit_callbacks):
    waste = town.enable("commune-encombrants")
    send(client, town, waste, waste_answers(), django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    staff = client.__class__()
    staff.force_login(town.secretary)
    for term in ("Dupouy", "habitante@exemple", submission.reference):
        assert submission.reference in staff.get(f"/{town.org.slug}/demarches/suivi/", {"q": term}).content.decode(), term
    assert submission.reference not in staff.get(f"/{town.org.slug}/demarches/suivi/", {"q": "Personne"}).content.decode()


def test_my_space_lists_the_citizens_requests_to_this_commune_and_the_portal_links_the_forms(town, habitante):
    from maillon.citizens.registry import CITIZEN_ITEMS, PORTAL_SECTIONS

    waste = town.enable("commune-encombrants")
    mine = services_public.send_request(town.request(), waste, habitante, waste_answers())
    other_town = Town("ailleurs")
    services_public.send_request(other_town.request(), other_town.enable("commune-encombrants"), habitante, waste_answers())
    services_public.send_request(town.request(), waste, citizen("autre@exemple.test"), waste_answers())
    assert services_public.citizen_items in CITIZEN_ITEMS
    [item] = services_public.citizen_items(habitante, town.org)
    assert item.url == f"/{town.org.slug}/demarches-en-ligne/suivi/{mine.reference}/" and mine.reference in item.title
    assert item.status == "En attente de validation" or item.status
    section = PORTAL_SECTIONS["procedures"]
    assert section.service == "citizen_procedures" and section.url_name == "procedures:public_index"
