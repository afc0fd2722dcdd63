"""Error pages (400, 403, 404, CSRF failure): French, in the layout for a member of the page's
organisation, a minimal page otherwise, each with the ways back; JSON under /api/.

This module is also the URL map of its tests (``pytest.mark.urls``): Maillon's own, plus an
organisation page that refuses and one that receives a forged request."""

import json
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

from maillon.core import errors
from maillon.testing import QueryCounter
from maillon.urls import handler400, handler403, handler404, handler500  # noqa: F401 - this URL map's handlers
from maillon.urls import urlpatterns as maillon_urlpatterns


def _forbidden(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("test")


urlpatterns = [
    path("<slug:org>/essai-interdit/", _forbidden),
    path("<slug:org>/essai-suspect/", _suspicious),
    *maillon_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

DASHBOARD = "/essais/tableau-de-bord/"
MISSING_IN_ORG = "/essais/notifications/999999/"
LAYOUT = 'class="topbar"'
RELOGIN = "Se connecter avec un autre compte"


def _html(response) -> str:
    return response.content.decode()


def _assert_french_ways_back(html: str, dashboard: str) -> None:
    assert '<html lang="fr">' in html
    assert f'<a class="button" href="{dashboard}">Retour au tableau de bord</a>' in html
    assert "Page not found" not in html and "Forbidden" not in html and "Bad Request" not in html


# 404

def test_a_missing_page_of_the_organisation_is_french_in_the_layout_with_the_dashboard_link(people, login):
    response = login(people.colleague).get(MISSING_IN_ORG)
    html = _html(response)
    assert response.status_code == 404
    assert "Cette page n’existe pas" in html and "<title>Page introuvable · Centre social des Essais · Maillon</title>" in html
    assert LAYOUT in html
    _assert_french_ways_back(html, DASHBOARD)
    # Logging in as someone else is a logout (POST with its token), then the login page.
    assert 'action="/comptes/logout/"' in html and 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/comptes/login/"' in html and RELOGIN in html


def test_a_missing_root_page_is_a_minimal_french_page_for_an_anonymous_visitor(client, people):
    response = client.get("/cette-page.html")
    html = _html(response)
    assert response.status_code == 404
    assert "Cette page n’existe pas" in html and LAYOUT not in html
    assert "ui/css/maillon.css" in html
    _assert_french_ways_back(html, "/")
    assert '<a href="/comptes/login/">Se connecter</a>' in html and RELOGIN not in html


def test_a_missing_root_page_offers_a_logged_in_person_another_account(people, login):
    html = _html(login(people.colleague).get("/cette-page.html"))
    assert LAYOUT not in html
    _assert_french_ways_back(html, "/")
    assert RELOGIN in html and 'name="csrfmiddlewaretoken"' in html


def test_another_organisations_page_is_the_same_404(people, login):
    response = login(people.outsider).get(DASHBOARD)
    assert response.status_code == 404
    assert "Cette page n’existe pas" in _html(response)


def test_the_previous_page_link_is_the_referer_of_this_site_only(people, login):
    client = login(people.colleague)
    html = _html(client.get(MISSING_IN_ORG, HTTP_REFERER="http://testserver/essais/agenda/"))
    assert '<a href="http://testserver/essais/agenda/">Page précédente</a>' in html
    for referer in ("https://ailleurs.example/piege/", "javascript:alert(1)", f"http://testserver{MISSING_IN_ORG}"):
        assert "Page précédente" not in _html(client.get(MISSING_IN_ORG, HTTP_REFERER=referer)), referer


def test_a_404_in_the_layout_costs_no_query_beyond_the_layouts(people, login):
    client = login(people.colleague)
    client.get(DASHBOARD)
    with QueryCounter() as missing:
        client.get(MISSING_IN_ORG)
    # Session, user, membership, roles, the notification lookup, the header's unread count, and
    # Wagtail's redirect middleware looking for a redirect of any 404 (site, redirect): nothing else.
    assert len(missing) <= 8, [q["sql"] for q in missing.captured_queries]


def test_when_the_layout_fails_the_minimal_page_answers(people, login):
    with mock.patch("maillon.ui.context_processors._unread", side_effect=RuntimeError("database down")):
        response = login(people.colleague).get(MISSING_IN_ORG)
    html = _html(response)
    assert response.status_code == 404
    assert "Cette page n’existe pas" in html and LAYOUT not in html
    _assert_french_ways_back(html, DASHBOARD)


# 403

def test_a_refused_organisation_page_is_french_in_the_layout(people, login):
    response = login(people.colleague).get("/essais/essai-interdit/")
    html = _html(response)
    assert response.status_code == 403
    assert "Vous ne pouvez pas ouvrir cette page" in html and LAYOUT in html
    _assert_french_ways_back(html, DASHBOARD)
    # After logging in as someone else, the person comes back here.
    assert 'name="next" value="/comptes/login/?next=%2Fessais%2Fessai-interdit%2F"' in html


def test_cms_for_someone_who_is_not_an_editor_is_the_french_403_not_a_login_loop(people, login):
    response = login(people.colleague).get("/cms/")
    html = _html(response)
    assert response.status_code == 403
    assert "Vous ne pouvez pas ouvrir cette page" in html
    _assert_french_ways_back(html, "/")
    assert RELOGIN in html and 'value="/comptes/login/?next=%2Fcms%2F"' in html


def test_cms_still_sends_an_anonymous_visitor_to_the_login_page(client, people):
    response = client.get("/cms/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# CSRF failure

def test_a_form_sent_without_its_token_gets_the_french_csrf_page(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.colleague)
    response = client.post("/comptes/logout/")
    html = _html(response)
    assert response.status_code == 403
    assert "Le formulaire n’a pas pu être envoyé" in html and "rechargez la page" in html
    _assert_french_ways_back(html, "/")
    assert '<a href="/comptes/login/">Aller à la page de connexion</a>' in html and RELOGIN not in html


def test_an_api_call_without_its_token_still_gets_json(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.colleague)
    response = client.post("/api/v1/cette-route-nexiste-pas", data="{}", content_type="application/json")
    assert response["Content-Type"].startswith("application/json")


# 400

def test_a_suspicious_request_is_the_french_400_in_the_layout(people, login):
    response = login(people.colleague).get("/essais/essai-suspect/")
    html = _html(response)
    assert response.status_code == 400
    assert "La demande n’a pas pu être comprise" in html and LAYOUT in html
    _assert_french_ways_back(html, DASHBOARD)


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_bad_host_header_is_the_french_400(client, people):
    response = client.get("/", HTTP_HOST="piege.example", HTTP_REFERER="http://piege.example/")
    html = _html(response)
    assert response.status_code == 400
    assert "La demande n’a pas pu être comprise" in html and LAYOUT not in html
    assert "piege.example" not in html
    _assert_french_ways_back(html, "/")


# The API keeps its JSON

def test_a_missing_api_path_is_json(client, people):
    response = client.get("/api/v1/cette-route-nexiste-pas")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()


@pytest.mark.parametrize(
    ("handler", "status"), [(errors.page_not_found, 404), (errors.permission_denied, 403), (errors.bad_request, 400)]
)
def test_the_error_handlers_answer_json_under_api(rf, handler, status):
    response = handler(rf.get("/api/autre/"), None)
    body = json.loads(response.content)
    assert response.status_code == status and set(body) == {"detail"} and body["detail"].endswith(".")


# In Chromium on a phone: no script error, no Content-Security-Policy violation

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_404_and_403_pages_on_a_phone(browser):
    from maillon.testing import build_people

    people = build_people()
    page = browser.phone()
    browser.force_login(page, people.colleague)
    response = page.goto(f"{browser.url}{MISSING_IN_ORG}")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Cette page n’existe pas"
    assert page.get_by_role("link", name="Retour au tableau de bord").is_visible()
    browser.screenshot(page, "error-404-390")
    response = page.goto(f"{browser.url}/cms/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Vous ne pouvez pas ouvrir cette page"
    browser.screenshot(page, "error-403-cms-390")
    # Logging in as someone else: the logout form, then the login page, coming back to /cms/ after.
    page.get_by_role("button", name=RELOGIN).click()
    page.wait_for_url("**/comptes/login/?next=%2Fcms%2F")
    assert browser.csp_violations() == []
    # Chromium reports the pages' own status (and the minimal page's missing /favicon.ico) as
    # console errors: nothing else may appear.
    assert [p for p in browser.problems if "the server responded with a status of 40" not in p] == []


def test_with_the_database_down_the_minimal_page_still_answers(rf):
    class Unreadable:
        @property
        def is_authenticated(self):
            raise OperationalError("connection refused")

    request = rf.get("/cette-page.html")
    request.user = Unreadable()
    response = errors.page_not_found(request, None)
    html = _html(response)
    assert response.status_code == 404 and "Cette page n’existe pas" in html
    _assert_french_ways_back(html, "/")
