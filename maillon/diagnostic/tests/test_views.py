"""The diagnostic's pages: who gets in, the questionnaire from draft to result and PDF, the
self-check and its history, the rules page, bad input, query counts."""

import pytest
from django.urls import reverse

from maillon.audit.models import AuditEntry
from maillon.diagnostic import services
from maillon.diagnostic.models import Diagnostic, Rule, SelfCheck
from maillon.testing import QueryCounter, pdf_text

from .conftest import GOOD


def url(name, organisation, **kwargs):
    return reverse(f"diagnostic:{name}", kwargs={"org": organisation.slug, **kwargs})


def completed(town, answers=GOOD, organisation=None):
    organisation = organisation or town.commune
    membership = organisation.memberships.get(user=town.director if organisation == town.commune else town.other_director)
    diagnostic = services.start(membership)
    return services.save(diagnostic, answers, actor=membership.user, complete=True)


@pytest.mark.parametrize("who, status", [("director", 200), ("admin", 200), ("staff", 403), ("other_director", 404),
                                         ("centre_director", 404)])
def test_it_lets_only_the_commune_director_and_admins_in(town, client, who, status):
    client.force_login(getattr(town, who))
    assert client.get(url("index", town.commune)).status_code == status
    assert client.get(url("security", town.commune)).status_code == status


def test_it_is_not_found_in_an_organisation_that_is_not_a_commune(town, people, client):
    client.force_login(town.centre_director)
    assert client.get(url("index", people.org)).status_code == 404
    assert client.get(url("security", people.org)).status_code == 404


def test_another_commune_guessing_a_diagnostic_id_gets_404(town, client):
    diagnostic = completed(town)
    client.force_login(town.other_director)
    for name in ("result", "report", "edit"):
        assert client.get(url(name, town.other, pk=diagnostic.pk)).status_code == 404
    assert client.get(url("result", town.commune, pk=diagnostic.pk)).status_code == 404


def test_a_draft_is_saved_then_completed_into_the_result_and_history(town, client):
    client.force_login(town.director)
    response = client.post(url("start", town.commune))
    diagnostic = Diagnostic.objects.get(organisation=town.commune)
    assert response.url == url("edit", town.commune, pk=diagnostic.pk)
    response = client.post(url("edit", town.commune, pk=diagnostic.pk), {"population": "850", "website": "stale", "draft": "1"})
    assert response.status_code == 302
    diagnostic.refresh_from_db()
    assert diagnostic.is_draft and diagnostic.answers == {"population": 850, "website": "stale", "tools_used": [],
                                                          "participation_wishes": []}
    # Completing with questions left: each is named, nothing is lost.
    response = client.post(url("edit", town.commune, pk=diagnostic.pk), {"population": "850", "website": "stale", "complete": "1"})
    assert response.status_code == 200
    assert "Répondez à cette question pour terminer le diagnostic." in response.content.decode()
    assert response.context["form"]["website"].value() == "stale"
    response = client.post(url("edit", town.commune, pk=diagnostic.pk), {**GOOD, "complete": "1"})
    assert response.url == url("result", town.commune, pk=diagnostic.pk)
    diagnostic.refresh_from_db()
    assert diagnostic.status == Diagnostic.Status.COMPLETED and diagnostic.scores["web"] == 47
    page = client.get(response.url).content.decode()
    assert "Démarches en ligne" in page and "Publier et instruire les démarches en ligne" in page
    assert AuditEntry.objects.filter(action="diagnostic.completed", organisation=town.commune).exists()
    # A new diagnostic starts from the last answers; the first stays in the history.
    client.post(url("start", town.commune))
    new = Diagnostic.objects.get(organisation=town.commune, status=Diagnostic.Status.DRAFT)
    assert new.answers["website"] == "stale" and new.pk != diagnostic.pk
    assert Diagnostic.objects.filter(organisation=town.commune).count() == 2


def test_the_pdf_report_names_the_commune_scores_bundle_and_plan(town, client):
    diagnostic = completed(town)
    client.force_login(town.director)
    response = client.get(url("report", town.commune, pk=diagnostic.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Mairie de Saint-Essai" in text
    assert "47" in text and "89" in text
    assert "Publier et instruire les démarches en ligne" in text and "Rapport pour le conseil municipal" in text


def test_a_draft_has_no_report(town, client):
    client.force_login(town.director)
    diagnostic = services.start(town.commune.memberships.get(user=town.director))
    assert client.get(url("report", town.commune, pk=diagnostic.pk)).status_code == 404


@pytest.mark.parametrize("data", [
    {"population": "\x00", "complete": "1"},
    {"population": "-3"},
    {"population": "9" * 5000},
    {"website": "x" * 5000},
    {"tools_used": ["office", "\x00"]},
    {"elected": "abc", "website": "none\x00"},
])
def test_bad_answers_get_a_french_message_never_a_500(town, client, data):
    client.force_login(town.director)
    diagnostic = services.start(town.commune.memberships.get(user=town.director))
    response = client.post(url("edit", town.commune, pk=diagnostic.pk), data)
    assert response.status_code in (200, 400)
    diagnostic.refresh_from_db()
    assert diagnostic.is_draft


@pytest.mark.parametrize("path", ["/saint-essai/diagnostic/99999999999999999999/", "/saint-essai/diagnostic/0/questionnaire/",
                                  "/saint-essai/diagnostic/abc/"])
def test_bad_ids_are_404(town, client, path):
    client.force_login(town.director)
    assert client.get(path).status_code == 404


def test_the_selfcheck_is_recorded_with_its_history_chart_and_actions(town, client):
    client.force_login(town.director)
    client.post(url("security", town.commune), {"done": ["backups", "updates", "mfa"]})
    response = client.post(url("security", town.commune), {"done": ["backups", "updates", "mfa", "antivirus", "passwords", "phishing"]})
    assert response.status_code == 302
    assert list(SelfCheck.objects.for_organisation(town.commune).values_list("score", flat=True)) == [40, 20]
    page = client.get(url("security", town.commune)).content.decode()
    assert "<polyline" in page and "40/100" in page and "20/100" in page
    assert "Restaurez quelques fichiers" in page  # an action left, in French
    assert AuditEntry.objects.filter(action="diagnostic.selfcheck").count() == 2


def test_an_unknown_practice_is_refused(town, client):
    client.force_login(town.director)
    response = client.post(url("security", town.commune), {"done": ["backups", "\x00", "x" * 5000]})
    assert response.status_code in (200, 400)
    assert not SelfCheck.objects.exists()


def test_staff_cannot_post_a_selfcheck_and_another_commune_never_sees_it(town, client):
    client.force_login(town.staff)
    assert client.post(url("security", town.commune), {"done": ["backups"]}).status_code == 403
    client.force_login(town.director)
    client.post(url("security", town.commune), {"done": ["backups"]})
    client.force_login(town.other_director)
    response = client.get(url("security", town.other))
    assert response.context["last"] is None and response.context["history"] == []


def test_the_rules_page_adds_and_removes_rules_for_its_commune_only(town, client):
    client.force_login(town.director)
    assert client.get(url("rules", town.commune)).status_code == 200
    response = client.post(url("rules", town.commune), {"target": "service:reception", "area": "security", "below": "30"})
    assert response.status_code == 302
    rule = Rule.objects.for_organisation(town.commune).last()
    assert (rule.target, rule.area, rule.below) == ("reception", "security", 30)
    response = client.post(url("rules", town.commune), {"target": "service:reception", "answer": "website:stale"})
    assert Rule.objects.for_organisation(town.commune).last().question == "website"
    response = client.post(url("rules", town.commune), {"target": "service:reception", "answer": "website:\x00"})
    assert response.status_code == 200
    client.force_login(town.other_director)
    assert client.post(url("rule_delete", town.other, pk=rule.pk)).status_code == 404
    client.force_login(town.staff)
    assert client.get(url("rules", town.commune)).status_code == 403
    client.force_login(town.director)
    client.post(url("rule_delete", town.commune, pk=rule.pk))
    assert not Rule.objects.filter(pk=rule.pk).exists()
    client.post(url("rules_reset", town.commune))
    assert not Rule.objects.for_organisation(town.commune).exists()


def test_query_counts_do_not_grow_with_history(town, client):
    client.force_login(town.director)
    completed(town)
    services.record_selfcheck(town.commune.memberships.get(user=town.director), ["backups"])
    pages = [url("index", town.commune), url("security", town.commune)]
    for page in pages:  # the session's first requests do their once-a-session work (not counted)
        client.get(page)
    counts = []
    for _round in range(2):
        counts.append([])
        for page in pages:
            with QueryCounter() as queries:
                assert client.get(page).status_code == 200
            counts[-1].append(len(queries))
        for _i in range(5):
            completed(town)
            services.record_selfcheck(town.commune.memberships.get(user=town.director), ["backups", "mfa"])
    assert counts[0] == counts[1]
    last = services.latest(town.commune)
    with QueryCounter() as queries:
        client.get(url("result", town.commune, pk=last.pk))
    assert len(queries) <= 14
