"""Staff pages: who gets in, consultations (create, edit rules, close early, publish, results and
CSV), ideas (status and answer, audited, the citizen e-mailed), another commune's ids → 404."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from maillon.audit.models import AuditEntry
from maillon.citizens.models import Moderation
from maillon.participation import services
from maillon.participation.models import Consultation, Idea

from .conftest import consultation

pytestmark = pytest.mark.django_db
BASE = "/saint-essai/participation"


def signed(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def form(**extra):
    now = timezone.localtime()
    data = {"title": "Aménagement de la place", "question": "Que préférez-vous ?", "kind": "options",
            "options": "Des arbres\nUn parking\n\ndes arbres\nUn marché", "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"), "results_auto": "on"}
    data.update(extra)
    return data


@pytest.mark.parametrize("who, status", [("director", 200), ("coordinator", 200), ("staff", 403), ("other_director", 404)])
def test_only_the_commune_managers_get_in(town, who, status):
    client = signed(getattr(town, who))
    for path in ("/consultations/", "/consultations/nouvelle/", "/idees/"):
        assert client.get(BASE + path).status_code == status


def test_the_nav_entry_shows_for_managers_only(town):
    assert 'href="/saint-essai/participation/"' in page(signed(town.director).get("/saint-essai/tableau-de-bord/"))
    assert 'href="/saint-essai/participation/"' not in page(signed(town.staff).get("/saint-essai/tableau-de-bord/"))


def test_the_pages_are_off_when_the_service_is_not_enabled(town):
    from maillon.communes import services as commune_services
    from maillon.communes.models import CommuneService

    CommuneService.objects.filter(organisation=town.commune, key="participation").delete()
    commune_services.forget(town.commune.pk)
    assert signed(town.director).get(BASE + "/consultations/").status_code == 404
    assert Client().get("/saint-essai/consultations/").status_code == 404


def test_create_a_consultation_with_options_then_edit_until_someone_answers(town):
    client = signed(town.director)
    response = client.post(BASE + "/consultations/nouvelle/", form())
    found = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}/consultations/{found.pk}/"
    assert list(found.options.values_list("label", flat=True)) == ["Des arbres", "Un parking", "Un marché"]
    assert found.organisation == town.commune and found.results_auto and found.state == "upcoming"
    assert AuditEntry.objects.filter(action="participation.consultation_created", target_id=str(found.pk)).exists()
    # Options can change while nobody answered.
    assert client.post(f"{BASE}/consultations/{found.pk}/modifier/", form(options="Oui\nNon")).status_code == 302
    assert list(found.options.values_list("label", flat=True)) == ["Oui", "Non"]
    # Once someone answered: the options, the kind and the opening stay; the title and closing may change.
    Consultation.objects.filter(pk=found.pk).update(opens_at=timezone.now() - timedelta(hours=1))
    found.refresh_from_db()
    services.answer(found, town.alice, option_id=found.options.first().pk)
    opens = timezone.localtime(found.opens_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"{BASE}/consultations/{found.pk}/modifier/", form(options="Oui\nNon\nPeut-être", opens_at=opens))
    assert response.status_code == 400 and "les choix proposés ne peuvent plus changer" in page(response)
    response = client.post(f"{BASE}/consultations/{found.pk}/modifier/", form(kind="free", opens_at=opens))
    assert response.status_code == 400 and "le type de réponse ne peut plus changer" in page(response)
    found.refresh_from_db()
    response = client.post(f"{BASE}/consultations/{found.pk}/modifier/",
                           form(title="Place de la mairie", options="Oui\nNon", opens_at=timezone.localtime(found.opens_at).strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 302, page(response)
    found.refresh_from_db()
    assert found.title == "Place de la mairie" and found.answers.count() == 1


def test_bad_consultations_get_french_messages(town):
    client = signed(town.director)
    now = timezone.localtime()
    cases = [
        (form(closes_at=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")), "La consultation doit se clore après son ouverture"),
        (form(options="Seul choix"), "Indiquez au moins deux choix"),
        (form(options="\n".join(f"Choix {n}" for n in range(13))), "12 choix au plus"),
        (form(title=""), "Ce champ est obligatoire"),
        (form(opens_at="demain"), "Saisissez une date et une heure valides"),
        (form(kind="autre"), "Sélectionnez un choix valide"),
    ]
    for data, message in cases:
        response = client.post(BASE + "/consultations/nouvelle/", data)
        assert response.status_code == 400 and message in page(response).replace("&#x27;", "'"), message
    assert not Consultation.objects.exists()
    # A free answer needs no options.
    assert client.post(BASE + "/consultations/nouvelle/", form(kind="free", options="")).status_code == 302


def test_close_early_with_a_confirmation_then_publish_the_results(town):
    found = consultation(town.commune, results_auto=False)
    for citizen, label in ((town.alice, "Oui"), (town.bruno, "Non"), (town.other_citizen, "Oui")):
        services.answer(found, citizen, option_id=found.options.get(label=label).pk)
    client = signed(town.coordinator)
    html = page(client.get(f"{BASE}/consultations/{found.pk}/"))
    assert "66,7 %" in html and "33,3 %" in html and "3 réponses" in html
    assert "Plus personne ne pourra répondre" in page(client.get(f"{BASE}/consultations/{found.pk}/cloturer/"))
    assert client.post(f"{BASE}/consultations/{found.pk}/cloturer/").status_code == 302
    found.refresh_from_db()
    assert found.is_closed and not found.results_visible
    assert "Les résultats seront publiés prochainement" in page(Client().get(f"/saint-essai/consultations/{found.pk}/"))
    assert client.get(f"{BASE}/consultations/{found.pk}/publier/").status_code == 405
    client.post(f"{BASE}/consultations/{found.pk}/publier/")
    found.refresh_from_db()
    assert found.results_visible
    assert "66,7 %" in page(Client().get(f"/saint-essai/consultations/{found.pk}/"))
    actions = set(AuditEntry.objects.filter(target_id=str(found.pk)).values_list("action", flat=True))
    assert {"participation.consultation_closed", "participation.results_published"} <= actions
    # Closing twice: a French message, no error.
    response = client.post(f"{BASE}/consultations/{found.pk}/cloturer/", follow=True)
    assert "Seule une consultation ouverte peut être close" in page(response)


def test_publish_before_close_is_refused(town):
    found = consultation(town.commune)
    response = signed(town.director).post(f"{BASE}/consultations/{found.pk}/publier/", follow=True)
    assert "une fois la consultation close" in page(response)
    found.refresh_from_db()
    assert found.results_published_at is None


def test_csv_export_counts_and_neutralises_formulas(town):
    found = consultation(town.commune, options=("=HYPERLINK(\"http://x\")", "Non"))
    services.answer(found, town.alice, option_id=found.options.first().pk)
    response = signed(town.director).get(f"{BASE}/consultations/{found.pk}/export.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in text and "100,0" in text and "Total;1;100,0" in text
    free = consultation(town.commune, kind=Consultation.Kind.FREE)
    services.answer(free, town.alice, text="@SUM(A1:A2)")
    text = signed(town.director).get(f"{BASE}/consultations/{free.pk}/export.csv").content.decode("utf-8-sig")
    assert "'@SUM(A1:A2)" in text and "En attente de modération" in text
    assert AuditEntry.objects.filter(action="participation.consultation_exported").count() == 2


def test_idea_status_change_is_audited_and_emailed(town, django_capture_on_commit_callbacks):
    idea = Idea.objects.create(organisation=town.commune, citizen=town.alice, title="Des bancs", body="…", moderation=Moderation.PUBLISHED)
    client = signed(town.director)
    assert "alice@exemple.test" in page(client.get(f"{BASE}/idees/{idea.pk}/")) or "Alice" in page(client.get(f"{BASE}/idees/{idea.pk}/"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/idees/{idea.pk}/", {"status": "accepted", "answer": "Deux bancs seront posés."})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == "accepted" and idea.answered_by == town.director
    entry = AuditEntry.objects.get(action="participation.idea_status")
    assert entry.data["from"] == "new" and entry.data["to"] == "accepted"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@exemple.test"]
    assert "Retenue" in mail.outbox[0].subject and f"/saint-essai/idees/{idea.pk}/" in mail.outbox[0].body
    assert "Deux bancs seront posés." in page(Client().get(f"/saint-essai/idees/{idea.pk}/"))
    # The answer alone changes: no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{BASE}/idees/{idea.pk}/", {"status": "accepted", "answer": "Trois bancs."})
    assert len(mail.outbox) == 1
    response = client.post(f"{BASE}/idees/{idea.pk}/", {"status": "perhaps", "answer": ""})
    assert response.status_code == 400 and "Sélectionnez un choix valide" in page(response)


def test_ideas_list_filters_by_status(town):
    Idea.objects.create(organisation=town.commune, title="Retenue A", body="…", status="accepted")
    Idea.objects.create(organisation=town.commune, title="Nouvelle B", body="…")
    Idea.objects.create(organisation=town.other, title="Voisine C", body="…")
    client = signed(town.director)
    html = page(client.get(BASE + "/idees/"))
    assert "Retenue A" in html and "Nouvelle B" in html and "Voisine C" not in html and "En attente de modération" in html
    html = page(client.get(BASE + "/idees/?statut=accepted"))
    assert "Retenue A" in html and "Nouvelle B" not in html


def test_another_commune_staff_guessing_ids_gets_404(town):
    found = consultation(town.commune)
    idea = Idea.objects.create(organisation=town.commune, title="Idée", body="…")
    client = signed(town.other_director)
    for path in (f"/consultations/{found.pk}/", f"/consultations/{found.pk}/modifier/", f"/consultations/{found.pk}/cloturer/",
                 f"/consultations/{found.pk}/export.csv", f"/idees/{idea.pk}/"):
        assert client.get("/villeautre/participation" + path).status_code == 404, path
        assert client.get(BASE + path).status_code == 404, path
    assert client.post(f"/villeautre/participation/idees/{idea.pk}/", {"status": "done", "answer": ""}).status_code == 404
    assert client.post(f"/villeautre/participation/consultations/{found.pk}/cloturer/").status_code == 404
    idea.refresh_from_db()
    found.refresh_from_db()
    assert idea.status == "new" and found.is_open


def test_staff_pages_queries_do_not_grow(town, django_assert_max_num_queries):
    client = signed(town.director)
    for n in range(30):
        consultation(town.commune, title=f"C{n}")
        Idea.objects.create(organisation=town.commune, title=f"I{n}", body="…")
    found = consultation(town.commune)
    for path in ("/consultations/", "/idees/", f"/consultations/{found.pk}/"):
        client.get(BASE + path)
        with django_assert_max_num_queries(16):
            assert client.get(BASE + path).status_code == 200


def test_my_space_items(town):
    from maillon.participation.portal import citizen_items

    found = consultation(town.commune)
    services.answer(found, town.alice, option_id=found.options.first().pk)
    services.propose(town.commune, town.alice, title="Des bancs", body="…")
    services.propose(town.other, town.alice, title="Ailleurs", body="…")
    items = citizen_items(town.alice, town.commune)
    assert sorted(i.title for i in items) == ["Consultation : Aménagement de la place", "Idée : Des bancs"]
    assert {i.status for i in items} == {"Réponse donnée", "En attente de modération"}
    assert citizen_items(town.bruno, town.commune) == []
