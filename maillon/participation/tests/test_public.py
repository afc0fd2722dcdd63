"""Public pages: consultations (one answer per identity, results only once closed and published),
the idea box (propose with honeypot and rate limit, support once), tenancy and budgets."""

import gzip
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from maillon.citizens.models import Citizen, Moderation
from maillon.citizens.testing import login_citizen
from maillon.participation import services
from maillon.participation.models import Answer, Consultation, Idea, IdeaSupport

from .conftest import consultation

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def as_citizen(client, citizen):
    login_citizen(client, citizen)
    return client


def test_list_shows_open_upcoming_and_closed_consultations(town, client):
    consultation(town.commune, title="Ouverte")
    consultation(town.commune, state="upcoming", title="Bientôt")
    consultation(town.commune, state="closed", title="Terminée")
    consultation(town.other, title="Chez les voisins")
    html = page(client.get("/saint-essai/consultations/"))
    assert "Ouverte" in html and "Bientôt" in html and "Terminée" in html and "Résultats" in html
    assert "Chez les voisins" not in html
    assert "Aucune consultation" in page(client.get("/villeautre/consultations/")) or "Chez les voisins" in page(client.get("/villeautre/consultations/"))


def test_a_commune_without_the_service_answers_404(town, client):
    from maillon.citizens.testing import make_commune

    make_commune("sans-participation", services=("problem_reports",))
    for path in ("/sans-participation/consultations/", "/sans-participation/idees/", "/sans-participation/idees/proposer/"):
        assert client.get(path).status_code == 404


def test_answering_asks_for_a_sign_in_then_counts_one_answer_per_identity(town, client):
    found = consultation(town.commune)
    url = f"/saint-essai/consultations/{found.pk}/"
    html = page(client.get(url))
    assert "Se connecter pour répondre" in html and 'type="radio"' not in html
    option = found.options.get(label="Non")
    response = client.post(url, {"option": option.pk})
    assert response.status_code == 302 and "/saint-essai/citoyens/connexion/?next=" in response["Location"]
    assert not Answer.objects.exists()

    as_citizen(client, town.alice)
    assert 'type="radio"' in page(client.get(url))
    assert client.post(url, {"option": option.pk}).status_code == 302
    answer = Answer.objects.get()
    assert answer.identity_key == "email:alice@exemple.test" and answer.option == option and answer.moderation == Moderation.PUBLISHED
    html = page(client.get(url))
    assert "Vous avez répondu le" in html and "« Non »" in html and 'type="radio"' not in html
    # The same identity again (a crafted post): refused in French, nothing counted.
    response = client.post(url, {"option": found.options.get(label="Oui").pk})
    assert response.status_code == 400 and "Vous avez déjà répondu à cette consultation" in page(response)
    assert Answer.objects.count() == 1
    # A FranceConnect identity is another person, even in the same browser.
    as_citizen(client, town.bruno)
    assert client.post(url, {"option": option.pk}).status_code == 302
    assert sorted(Answer.objects.values_list("identity_key", flat=True)) == ["email:alice@exemple.test", "fc:fc-bruno-1"]


def test_the_same_email_in_another_letter_case_is_the_same_identity(town):
    found = consultation(town.commune)
    twin = Citizen.objects.create(email="ALICE@exemple.test")  # another row, the same person
    assert twin.identity_key == town.alice.identity_key
    services.answer(found, town.alice, option_id=found.options.first().pk)
    with pytest.raises(Exception, match="déjà répondu"):
        services.answer(found, twin, option_id=found.options.first().pk)


def test_bad_answers_get_french_messages(town, client):
    found = consultation(town.commune)
    other = consultation(town.other)
    as_citizen(client, town.alice)
    url = f"/saint-essai/consultations/{found.pk}/"
    assert "Choisissez une des réponses proposées" in page(client.post(url, {}))
    response = client.post(url, {"option": other.options.first().pk})  # another consultation's option
    assert response.status_code == 400 and "Choisissez" in page(response)
    response = client.post(url, {"option": "99999999999999999999999"})
    assert response.status_code == 400
    free = consultation(town.commune, kind=Consultation.Kind.FREE)
    response = client.post(f"/saint-essai/consultations/{free.pk}/", {"text": "x" * 5001})
    assert response.status_code == 400 and "5000" in page(response).replace("\u202f", "").replace(" ", "")
    response = client.post(f"/saint-essai/consultations/{free.pk}/", {"text": "Une réponse", "website": "http://spam"})
    assert response.status_code == 400 and "automatique" in page(response)
    assert not Answer.objects.exists()


def test_a_closed_or_upcoming_consultation_takes_no_answer(town, client):
    as_citizen(client, town.alice)
    for state in ("closed", "upcoming"):
        found = consultation(town.commune, state=state)
        response = client.post(f"/saint-essai/consultations/{found.pk}/", {"option": found.options.first().pk})
        assert response.status_code in (200, 400)
        assert not Answer.objects.filter(consultation=found).exists()


def test_results_are_hidden_until_closed_and_published(town, client):
    found = consultation(town.commune)
    for citizen, label in ((town.alice, "Oui"), (town.bruno, "Oui"), (town.other_citizen, "Non")):
        services.answer(found, citizen, option_id=found.options.get(label=label).pk)
    url = f"/saint-essai/consultations/{found.pk}/"
    assert "66,7" not in page(client.get(url)) and "Résultats" not in page(client.get(url))
    Consultation.objects.filter(pk=found.pk).update(closes_at=timezone.now() - timedelta(minutes=1), results_auto=False)
    html = page(client.get(url))
    assert "Les résultats seront publiés prochainement" in html and "66,7" not in html
    Consultation.objects.filter(pk=found.pk).update(results_published_at=timezone.now())
    html = page(client.get(url))
    assert "3 réponses" in html and "66,7 %" in html and "33,3 %" in html and "0,0 %" in html


def test_free_answers_show_only_once_published(town, client):
    found = consultation(town.commune, kind=Consultation.Kind.FREE)
    as_citizen(client, town.alice)
    client.post(f"/saint-essai/consultations/{found.pk}/", {"text": "Des arbres <script>alert(1)</script>"})
    services.answer(found, town.bruno, text="Un kiosque à musique")
    answer = Answer.objects.get(identity_key=town.alice.identity_key)
    assert answer.moderation == Moderation.PENDING
    answer.moderate(publish=True, user=None)
    Consultation.objects.filter(pk=found.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    html = page(client.get(f"/saint-essai/consultations/{found.pk}/"))
    assert "2 réponses reçues" in html and "Des arbres &lt;script&gt;" in html and "kiosque" not in html


def test_propose_an_idea_then_it_waits_for_moderation(town, client):
    response = client.get("/saint-essai/idees/proposer/")
    assert response.status_code == 302 and "connexion" in response["Location"]
    as_citizen(client, town.alice)
    html = page(client.get("/saint-essai/idees/proposer/"))
    assert 'class="hp" aria-hidden="true"' in html and 'name="website"' in html
    response = client.post("/saint-essai/idees/proposer/", {"title": "Des bancs", "body": "Près de l'école."})
    idea = Idea.objects.get()
    assert response["Location"] == f"/saint-essai/idees/{idea.pk}/"
    assert idea.moderation == Moderation.PENDING and idea.citizen == town.alice and idea.organisation == town.commune
    assert "en attente de modération" in page(client.get(f"/saint-essai/idees/{idea.pk}/")).lower() or "attend" in page(client.get(f"/saint-essai/idees/{idea.pk}/"))
    # Nobody else sees it before moderation; the list does not show it either.
    client.logout()
    assert client.get(f"/saint-essai/idees/{idea.pk}/").status_code == 404
    assert "Des bancs" not in page(client.get("/saint-essai/idees/"))
    as_citizen(client, town.bruno)
    assert client.get(f"/saint-essai/idees/{idea.pk}/").status_code == 404
    idea.moderate(publish=True, user=town.director)
    assert "Des bancs" in page(client.get("/saint-essai/idees/"))


def test_propose_refuses_bad_input_robots_and_floods(town, client):
    as_citizen(client, town.alice)
    url = "/saint-essai/idees/proposer/"
    response = client.post(url, {"title": "", "body": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire" in page(response)
    response = client.post(url, {"title": "Idée", "body": "x" * 5001})
    assert response.status_code == 400 and "5000" in page(response).replace("\u202f", "").replace(" ", "")
    response = client.post(url, {"title": "Idée", "body": "Bonne idée", "website": "spam.example"})
    assert response.status_code == 400 and "automatique" in page(response)
    assert not Idea.objects.exists()
    cache.clear()
    for n in range(6):  # six per hour per e-mail
        assert client.post(url, {"title": f"Idée {n}", "body": "Texte"}).status_code == 302
    response = client.post(url, {"title": "Idée 7", "body": "Texte"})
    assert response.status_code == 400 and "Trop d’envois avec cette adresse" in page(response)
    assert Idea.objects.count() == 6


def test_support_once_per_identity_and_withdraw(town, client):
    idea = Idea.objects.create(organisation=town.commune, citizen=town.alice, title="Boîte à livres", body="…",
                               moderation=Moderation.PUBLISHED)
    support, unsupport = f"/saint-essai/idees/{idea.pk}/soutenir/", f"/saint-essai/idees/{idea.pk}/retirer-mon-soutien/"
    response = client.post(support)
    assert response.status_code == 302 and "connexion" in response["Location"]
    as_citizen(client, town.alice)
    assert client.get(support).status_code == 302 and not IdeaSupport.objects.exists()  # a GET changes nothing
    client.post(support)
    client.post(support)
    assert IdeaSupport.objects.count() == 1
    assert "1 personne soutient cette idée" in page(client.get(f"/saint-essai/idees/{idea.pk}/"))
    as_citizen(client, town.bruno)
    client.post(support)
    assert IdeaSupport.objects.count() == 2
    client.post(unsupport)
    assert list(IdeaSupport.objects.values_list("identity_key", flat=True)) == [town.alice.identity_key]
    # Once carried out, no more supports.
    Idea.objects.filter(pk=idea.pk).update(status=Idea.Status.DONE)
    client.post(support)
    assert IdeaSupport.objects.count() == 1


def test_ideas_sorted_searched_and_paginated(town, client):
    ideas = [Idea.objects.create(organisation=town.commune, title=f"Idée {n:02d}", body="corps", moderation=Moderation.PUBLISHED,
                                 created_at=timezone.now() - timedelta(days=n)) for n in range(25)]
    Idea.objects.create(organisation=town.commune, title="Fontaine", body="eau fraîche", moderation=Moderation.PUBLISHED)
    for citizen in (town.alice, town.bruno):
        services.support(ideas[24], citizen)
    html = page(client.get("/saint-essai/idees/"))
    assert html.index("Idée 24") < html.index("Idée 00") and "Page 1 sur 2" in html
    html = page(client.get("/saint-essai/idees/?tri=recentes"))
    assert "Fontaine" in html and html.index("Fontaine") < html.index("Idée 00") and "Idée 24" not in html
    html = page(client.get("/saint-essai/idees/?q=fraîche"))
    assert "Fontaine" in html and "Idée 01" not in html
    assert "Aucune idée ne correspond" in page(client.get("/saint-essai/idees/?q=zzz"))
    assert client.get("/saint-essai/idees/?page=999&tri=nimporte").status_code == 200


def test_another_commune_guessing_ids_gets_404(town, client):
    found = consultation(town.commune)
    idea = Idea.objects.create(organisation=town.commune, title="Idée", body="…", moderation=Moderation.PUBLISHED)
    as_citizen(client, town.other_citizen)
    for path in (f"/villeautre/consultations/{found.pk}/", f"/villeautre/idees/{idea.pk}/"):
        assert client.get(path).status_code == 404
    assert client.post(f"/villeautre/consultations/{found.pk}/", {"option": found.options.first().pk}).status_code == 404
    assert client.post(f"/villeautre/idees/{idea.pk}/soutenir/").status_code == 404
    assert not Answer.objects.exists() and not IdeaSupport.objects.exists()
    assert client.get("/saint-essai/consultations/99999999999999999999999/").status_code == 404


def _budget(client, path, django_assert_max_num_queries):
    client.get(path)  # the commune's state is cached after the first request, as on a running server
    with django_assert_max_num_queries(8):
        response = client.get(path)
    assert response.status_code == 200
    size = len(gzip.compress(response.content))
    assert size <= 14 * 1024, (path, size)
    return size


def test_public_pages_stay_within_8_queries_and_14_kb(town, client, django_assert_max_num_queries):
    closed = consultation(town.commune, state="closed")
    free = consultation(town.commune, kind=Consultation.Kind.FREE, state="closed")
    open_one = consultation(town.commune)
    people = [Citizen.objects.create(email=f"p{n}@exemple.test") for n in range(30)]
    for n, citizen in enumerate(people):
        Answer.objects.create(organisation=town.commune, consultation=closed, citizen=citizen, identity_key=citizen.identity_key,
                              option=closed.options.all()[n % 3], moderation=Moderation.PUBLISHED)
        Answer.objects.create(organisation=town.commune, consultation=free, citizen=citizen, identity_key=citizen.identity_key,
                              text=f"Réponse {n} " * 20, moderation=Moderation.PUBLISHED)
        idea = Idea.objects.create(organisation=town.commune, citizen=citizen, title=f"Idée {n}", body="Texte " * 100,
                                   moderation=Moderation.PUBLISHED)
        IdeaSupport.objects.create(organisation=town.commune, idea=idea, citizen=citizen, identity_key=citizen.identity_key)
    as_citizen(client, town.alice)
    sizes = {}
    for path in ("/saint-essai/consultations/", f"/saint-essai/consultations/{closed.pk}/", f"/saint-essai/consultations/{free.pk}/",
                 f"/saint-essai/consultations/{open_one.pk}/", "/saint-essai/idees/", f"/saint-essai/idees/{idea.pk}/",
                 "/saint-essai/idees/proposer/"):
        sizes[path] = _budget(client, path, django_assert_max_num_queries)
    client.logout()
    _budget(client, "/saint-essai/idees/", django_assert_max_num_queries)
    _budget(client, f"/saint-essai/consultations/{open_one.pk}/", django_assert_max_num_queries)
