"""issue 14: a browser's first page carries the layout's stylesheet inline (core/first_visit.py), so
it is drawn after one round trip; the file is prefetched for the next pages, which link it."""

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


def test_the_first_page_has_the_stylesheet_inside_then_the_next_links_it(people, login):
    client = login(people.owner)
    client.cookies.pop(first_visit.COOKIE, None)
    first = client.get(f"/{people.org.slug}/tableau-de-bord/")
    html = first.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", first["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">{_css()}</style>' in html  # allowed by the page's policy
    assert 'rel="stylesheet"' not in html
    prefetch = re.search(r'<link rel="prefetch" href="([^"]+)">\n</body>', html)
    assert prefetch and prefetch.group(1).endswith(".css")
    assert first.cookies[first_visit.COOKIE]["httponly"] and first.cookies[first_visit.COOKIE]["samesite"] == "Lax"
    assert "Cookie" in first["Vary"]

    second = client.get(f"/{people.org.slug}/demarches/").content.decode()
    assert len(re.findall(r'<link rel="stylesheet" href="[^"]+" integrity="sha384-', second)) == 1
    assert 'rel="prefetch"' not in second and _css() not in second


def test_a_new_stylesheet_version_is_inlined_once_more(people, login):
    client = login(people.owner)
    client.cookies[first_visit.COOKIE] = "maillon.000000000000.css"  # the file of an earlier deployment
    assert _css() in client.get(f"/{people.org.slug}/tableau-de-bord/").content.decode()


def test_the_login_page_of_a_first_visit_too(client):
    response = client.get(reverse("account_login"))
    assert _css() in response.content.decode() and first_visit.COOKIE in response.cookies


def test_a_big_page_links_the_file_and_sets_no_cookie(people, login):
    client = login(people.owner)
    client.cookies.pop(first_visit.COOKIE, None)
    with override_settings(MAILLON_INLINE_STYLE_MAX_PAGE=1000):
        response = client.get(f"/{people.org.slug}/tableau-de-bord/")
    assert 'rel="stylesheet"' in response.content.decode() and first_visit.COOKIE not in response.cookies


def test_errors_and_other_answers_are_left_alone(people, login, client):
    missing = login(people.owner).get(f"/{people.org.slug}/nulle-part/")
    assert missing.status_code == 404 and first_visit.COOKIE not in missing.cookies
    health = client.get("/healthz")
    assert first_visit.COOKIE not in health.cookies and "Cookie" not in health.get("Vary", "")


def test_off_by_setting(people, login):
    client = login(people.owner)
    client.cookies.pop(first_visit.COOKIE, None)
    with override_settings(MAILLON_INLINE_STYLE_FIRST_VISIT=False):
        response = client.get(f"/{people.org.slug}/tableau-de-bord/")
    assert 'rel="stylesheet"' in response.content.decode() and first_visit.COOKIE not in response.cookies
