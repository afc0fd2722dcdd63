"""Health probes, security headers, production checks and login rate limiting."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from maillon.testing import TEST_PASSWORD


def test_healthz_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_reports_database_cache_and_channel_layer(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_is_503_when_the_cache_is_down(client, db, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from maillon.core import views

    # Only the probe's cache is broken: the rest of the request path still uses the
    # test cache (the organisation middleware reads it on every request).
    broken = RedisCache("redis://127.0.0.1:1/0", {})  # nothing listens on port 1
    monkeypatch.setattr(views, "cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["channel_layer"]["ok"] is True


def test_readyz_is_503_without_a_channel_layer(client, db, settings):
    settings.CHANNEL_LAYERS = {}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"]["ok"] is False


@pytest.mark.parametrize("path", ["/essais/tableau-de-bord/", "/essais/notifications/", "/comptes/login/", "/comptes/jetons/"])
def test_app_pages_have_strict_security_headers(people, login, path):
    response = login(people.owner).get(path) if "login" not in path else login(people.owner).get(path)
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-inline" not in directives["style-src"]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_inline_style_carries_the_nonce_of_the_policy(people, login):
    response = login(people.owner).get("/essais/tableau-de-bord/")
    page = response.content.decode()
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in page
    assert "<script>" not in page and " style=" not in page


def test_check_deploy_in_production_prints_no_warning(tmp_path):
    env = {
        **os.environ,
        "MAILLON_ENV": "production",
        "SECRET_KEY": "production-test-" + "k3y" * 20,
        "ALLOWED_HOSTS": "maillon.exemple.fr",
        "EMAIL_URL": "smtp://courriel.exemple.fr:587/?tls=True",
        "HEALTH_KEY": "cHJvZHVjdGlvbi10ZXN0LWhlYWx0aC1rZXktMzJieXQ=",
        "MAILLON_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "maillon.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "maillon.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_settings_refuse_a_missing_secret_key(tmp_path):
    env = {**os.environ, "MAILLON_ENV": "production", "ALLOWED_HOSTS": "x.fr", "MAILLON_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "maillon.settings"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "maillon.cli", "check"], env=env, capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_login_is_rate_limited_after_repeated_failures(people, client):
    cache.clear()
    try:
        for _ in range(5):
            response = client.post("/comptes/login/", {"login": "proprietaire", "password": "mauvais"})
            assert response.status_code == 200
            assert "Tentatives de connexion" not in response.content.decode()
        response = client.post("/comptes/login/", {"login": "proprietaire", "password": TEST_PASSWORD})
        page = response.content.decode()
        assert response.status_code in {200, 429}
        assert "_auth_user_id" not in client.session
        assert "Trop de tentatives de connexion" in page or "Trop de tentatives" in page
    finally:
        cache.clear()


def test_a_correct_login_still_works_below_the_limit(people, client):
    cache.clear()
    try:
        client.post("/comptes/login/", {"login": "proprietaire", "password": "mauvais"})
        response = client.post("/comptes/login/", {"login": "proprietaire", "password": TEST_PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(people.owner.pk)
    finally:
        cache.clear()
