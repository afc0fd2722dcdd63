"""The policy each path gets, no caching of what a logged-in person sees, and what answers when
the database is down: the probes (without the session), the API (JSON, French) and the pages
(the French error page)."""

import re
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from maillon.accounts import services_tokens
from maillon.accounts.roles import Role

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
WAGTAIL_ADMIN = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'"
)


def policy(response) -> str:
    """The response's policy with its nonce replaced by {nonce}."""
    return re.sub(r"'nonce-[^']+'", "'nonce-{nonce}'", response["Content-Security-Policy"])


# ---- Content-Security-Policy -------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    ("/essais/tableau-de-bord/", STRICT),
    ("/comptes/login/", STRICT),
    ("/api/v1/docs", STRICT),  # Swagger UI: scripts from files, settings in a JSON block
    ("/api/v1/me", STRICT),
    ("/django-admin/", STRICT),  # Django's admin: scripts from files, data-* attributes
    ("/django-admin/auth/group/add/", STRICT),
    ("/cms/", WAGTAIL_ADMIN),  # Wagtail: inline widget scripts (see core/middleware.py)
    ("/cms/pages/", WAGTAIL_ADMIN),
])
def test_each_path_gets_exactly_its_policy(people, login, path, expected):
    people.owner.is_staff = people.owner.is_superuser = True
    people.owner.save()
    response = login(people.owner).get(path)
    assert response.status_code in {200, 302, 403}
    assert policy(response) == expected


def test_a_wagtail_preview_gets_the_strict_policy_with_its_own_nonce_and_may_be_framed_by_the_editor(people, login, settings, tmp_path):
    from maillon.content.editors import ensure_home

    settings.MEDIA_ROOT = tmp_path
    home = ensure_home(people.org)
    client = login(people.with_role(Role.COMMUNICATION))
    url = f"/cms/pages/add/content/newspage/{home.pk}/preview/"
    assert client.post(url, {"title": "Kermesse", "slug": "kermesse", "date": "2026-06-20", "body-count": "0"}).json()["is_valid"]
    response = client.get(url + "?in_preview_panel=true")
    assert policy(response) == STRICT.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in response.content.decode()


# ---- Cache-Control -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/essais/tableau-de-bord/", "/comptes/securite/", "/api/v1/me", "/api/v1/docs"])
def test_what_a_logged_in_person_sees_is_never_stored(people, login, path):
    response = login(people.owner).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_an_api_call_with_a_token_is_never_stored(people):
    raw = services_tokens.create_token(people.owner, "Tableur").raw
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_files_that_chose_their_own_caching_keep_it_for_a_logged_in_person(people, login):
    client = login(people.owner)
    static = client.get("/static/ui/css/maillon.css")
    assert static.status_code == 200
    assert "max-age" in static["Cache-Control"] and "no-store" not in static["Cache-Control"]


def test_an_anonymous_request_is_left_to_the_view(client, db):
    response = client.get("/api/v1/openapi.json")  # the public schema
    assert response.status_code == 200
    assert "Cache-Control" not in response


# ---- the database is down ----------------------------------------------------------------


@contextmanager
def database_down():
    """Every query fails as it does when PostgreSQL (or the SQLite file) cannot be reached."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with mock.patch.object(BaseDatabaseWrapper, "_cursor", refuse):
        yield


@pytest.fixture
def logged_in(people):
    client = Client(raise_request_exception=False)
    client.force_login(people.owner)
    return client


def test_healthz_answers_without_the_database_nor_the_session_and_for_any_host(logged_in):
    with database_down():
        response = logged_in.get("/healthz", HTTP_HOST="10.0.0.7")  # a probe calls the node by its address
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Cookie" not in response.get("Vary", "")  # the session was never read


def test_readyz_says_the_database_is_down_in_json_without_the_session(logged_in):
    with database_down():
        response = logged_in.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["cache"]["ok"] is True
    assert "Cookie" not in response.get("Vary", "")


def test_a_page_answers_the_french_unavailable_page(logged_in):
    with database_down():
        response = logged_in.get("/essais/tableau-de-bord/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Maillon est momentanément indisponible" in page
    assert '<html lang="fr">' in page
    # Under the strict policy: a stylesheet file, no inline script or style.
    assert policy(response) == STRICT
    assert "<style" not in page and "<script" not in page and " style=" not in page
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/notifications"])
def test_the_api_answers_json_in_french_with_a_session(logged_in, path):
    with database_down():
        response = logged_in.get(path)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Le service est momentanément indisponible (la base de données ne répond pas). Réessayez dans quelques minutes."
    }


def test_the_api_answers_json_in_french_with_a_token(people):
    from maillon.organisations.middleware import host_map

    raw = services_tokens.create_token(people.owner, "Tableur").raw
    host_map()  # cached, as on a node that was serving before the outage: the failure is in the API
    with database_down():
        response = Client(raise_request_exception=False).get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 503
    assert response.json()["detail"].startswith("Le service est momentanément indisponible")


def test_any_other_error_is_the_french_500_page_or_json_under_the_api(logged_in, monkeypatch):
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr("maillon.organisations.middleware.host_map", broken)
    page = logged_in.get("/essais/tableau-de-bord/")
    assert page.status_code == 500
    assert "Une erreur est survenue" in page.content.decode()
    api = logged_in.get("/api/v1/me")
    assert api.status_code == 500
    assert api.json() == {"detail": "Une erreur inattendue s’est produite. Elle a été enregistrée."}


# ---- maillon serve -----------------------------------------------------------------------


def test_serve_does_not_name_its_server(monkeypatch):
    import uvicorn

    from maillon.core.management.commands import serve

    passed = {}

    def run(self, sockets=None):
        passed.update(vars(self.config), app=self.config.app, sockets=sockets)

    monkeypatch.setattr(uvicorn.Server, "run", run)
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # no collectstatic
    call_command("serve", "--port", "8123", "--workers", "1")
    assert passed["app"] == "maillon.asgi:application" and passed["port"] == 8123
    assert passed["server_header"] is False  # no « Server: uvicorn »
    assert passed.get("date_header", True) is True  # HTTP/1.1 wants a Date from a server with a clock
    # Each of several web processes: the same server, on its own SO_REUSEPORT socket.
    call_command("serve", "--port", "0", "--web-process")
    assert passed["server_header"] is False and len(passed["sockets"]) == 1
    passed["sockets"][0].close()


def test_serve_supervises_the_web_processes(monkeypatch):
    from maillon.core.management.commands import serve

    started = []
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)

    def supervise(web, count, host, port):
        started.append((count, host, port))
        raise serve.Stopped(15)

    monkeypatch.setattr(serve, "supervise_web_processes", supervise)
    call_command("serve", "--port", "8124", "--workers", "3")
    assert started == [(3, "127.0.0.1", 8124)]
