"""issue 14: a browser's first pages carry the layout's stylesheet inline (core/first_visit.py), so
they are drawn after one round trip; once the browser has fetched the file (its response sets the
cookie), pages link it."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from maillon.core import first_visit
from maillon.core.integrity import static_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inline_on")]


@pytest.fixture
def inline_on():
    with override_settings(MAILLON_INLINE_STYLE_FIRST_VISIT=True):
        yield


def _css() -> str:
    return static_path(re.search(r'href="([^"]+)"', first_visit.stylesheet()[0].decode()).group(1)).read_text()


def test_pages_have_the_stylesheet_inside_until_the_browser_fetches_it(people, login):
    client = login(people.owner)
    client.cookies.pop(first_visit.COOKIE, None)
    first = client.get(f"/{people.org.slug}/tableau-de-bord/")
    html = first.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", first["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">{_css()}</style>' in html  # allowed by the page's policy
    assert 'rel="stylesheet"' not in html and 'rel="prefetch"' not in html  # nothing more on a first load
    assert first_visit.COOKIE not in first.cookies and "Cookie" in first["Vary"]
    assert _css() in client.get(f"/{people.org.slug}/demarches/").content.decode()  # still not fetched

    url = first_visit.stylesheet()[3]
    fetched = client.get(url)  # the service worker's install, or any page that links it
    assert fetched.status_code == 200
    cookie = fetched.cookies[first_visit.COOKIE]
    assert cookie.value == url.rsplit("/", 1)[-1] and cookie["httponly"] and cookie["samesite"] == "Lax"

    then = client.get(f"/{people.org.slug}/demarches/").content.decode()
    assert len(re.findall(r'<link rel="stylesheet" href="[^"]+" integrity="sha384-', then)) == 1
    assert _css() not in then


def test_other_static_files_set_no_cookie(client):
    assert first_visit.COOKIE not in client.get("/static/ui/js/maillon.js").cookies


def test_a_new_stylesheet_version_is_inlined_once_more(people, login):
    client = login(people.owner)
    client.cookies[first_visit.COOKIE] = "maillon.000000000000.css"  # the file of an earlier deployment
    assert _css() in client.get(f"/{people.org.slug}/tableau-de-bord/").content.decode()


def test_the_login_page_of_a_first_visit_too(client):
    response = client.get(reverse("account_login"))
    assert _css() in response.content.decode()


def test_a_big_page_links_the_file_and_sets_no_cookie(people, login):
    client = login(people.owner)
    client.cookies.pop(first_visit.COOKIE, None)
    with override_settings(MAILLON_INLINE_STYLE_MAX_PAGE=1000):
        response = client.get(f"/{people.org.slug}/tableau-de-bord/")
    assert 'rel="stylesheet"' in response.content.decode()


def test_errors_and_other_answers_are_left_alone(people, login, client):
    missing = login(people.owner).get(f"/{people.org.slug}/nulle-part/")
    assert missing.status_code == 404 and _css() not in missing.content.decode()
    health = client.get("/healthz")
    assert first_visit.COOKIE not in health.cookies and "Cookie" not in health.get("Vary", "")


def test_off_by_setting(people, login):
    client = login(people.owner)
    client.cookies.pop(first_visit.COOKIE, None)
    with override_settings(MAILLON_INLINE_STYLE_FIRST_VISIT=False):
        response = client.get(f"/{people.org.slug}/tableau-de-bord/")
        assert 'rel="stylesheet"' in response.content.decode()
        assert first_visit.COOKIE not in client.get(first_visit.stylesheet()[3]).cookies
