"""The headers the Mozilla Observatory checks, on responses of the production settings
(MAILLON_ENV=production, collected and hashed static files, HTTPS behind a proxy), in a child
process: settings are read once per process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
HOST = "intranet.exemple.fr"

# Runs in the child: a database holding only the tables these anonymous pages read (migrating
# every app takes minutes on a loaded machine), then one request per address.
CHILD = r"""
import base64, hashlib, json, sys
import django
django.setup()
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from maillon.organisations.models import Organisation
with connection.schema_editor() as editor:
    for model in (Organisation, Session):
        if model._meta.db_table not in connection.introspection.table_names():
            editor.create_model(model)
client = Client(HTTP_HOST="intranet.exemple.fr", HTTP_X_FORWARDED_PROTO="https")
from maillon.core.first_visit import stylesheet
css = client.get(stylesheet()[3])  # a returning browser: it has the stylesheet, so pages link it (core/first_visit.py)
found = {"css_cookie": css.cookies["maillon_css"].output() if "maillon_css" in css.cookies else ""}
for path in sys.argv[1:]:
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    found[path] = {"status": response.status_code, "headers": dict(response.headers), "body": body.decode("utf-8", "replace"),
                   "sha384": "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()}
plain = Client(HTTP_HOST="intranet.exemple.fr").get("/comptes/login/")
found["http"] = {"status": plain.status_code, "location": plain.get("Location", "")}
print(json.dumps(found))
"""

PAGES = ["/comptes/login/", "/.well-known/security.txt", "/comptes/password/reset/"]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    data = tmp_path_factory.mktemp("production")
    env = {**os.environ, "MAILLON_ENV": "production", "SECRET_KEY": "production-test-" + "k3y" * 20,
           "ALLOWED_HOSTS": HOST, "EMAIL_URL": "none", "HEALTH_KEY": "cHJvZHVjdGlvbi10ZXN0LWhlYWx0aC1rZXktMzJieXQ=",
           "MAILLON_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "maillon.settings", "MAILLON_SECURITY_CONTACT": ""}
    for name in ("DATABASE_URL", "REDIS_URL", "DEBUG"):
        env.pop(name, None)
    run = {"env": env, "capture_output": True, "text": True, "timeout": 600, "cwd": REPO}
    collected = subprocess.run([sys.executable, "-m", "maillon.cli", "collectstatic", "--noinput", "-v0"], **run)  # noqa: S603
    assert collected.returncode == 0, collected.stderr
    first = _child(run, PAGES)
    static = sorted({url for page in PAGES for url in _static_urls(first[page]["body"])})
    second = _child(run, static)
    return {**first, **{url: second[url] for url in static}, "static": static}


def _child(run: dict, paths: list[str]) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, *paths], **run)  # noqa: S603
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def _static_urls(html: str) -> list[str]:
    import re

    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_every_page_carries_every_header_the_observatory_checks(production):
    for path in PAGES:
        page = production[path]
        assert page["status"] == 200, path
        h = page["headers"]
        assert h["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload", path
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["X-Frame-Options"] == "DENY"
        assert h["Referrer-Policy"] == "same-origin"  # stricter than strict-origin-when-cross-origin (README)
        assert h["Cross-Origin-Opener-Policy"] == "same-origin"
        assert h["Cross-Origin-Resource-Policy"] == "same-origin"
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in h["Permissions-Policy"]
        csp = dict(part.strip().split(" ", 1) for part in h["Content-Security-Policy"].split(";"))
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'" and csp["script-src"] == "'self'"
        assert csp["default-src"] == "'self'" and csp["base-uri"] == "'self'" and csp["form-action"] == "'self'"
        assert "unsafe" not in h["Content-Security-Policy"]
        assert "Server" not in h


def test_the_stylesheet_cookie_is_secure_in_production(production):
    cookie = production["css_cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_is_sent_to_https(production):
    assert production["http"]["status"] == 301 and production["http"]["location"] == f"https://{HOST}/comptes/login/"


def test_secure_cookies_in_production(production):
    assert "Set-Cookie" not in production["/.well-known/security.txt"]["headers"]


def test_every_script_and_stylesheet_is_hashed_and_carries_the_integrity_of_what_is_served(production):
    import re

    assert any(url.endswith(".css") for url in production["static"]) and any(url.endswith(".js") for url in production["static"])
    for path in ("/comptes/login/", "/comptes/password/reset/"):
        html = production[path]["body"]
        tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
        for tag in tags:
            if "<link" in tag and 'rel="stylesheet"' not in tag:
                continue
            url = re.search(r'(?:src|href)="([^"]+)"', tag)
            if url is None:
                continue
            assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url.group(1)), url.group(1)  # WhiteNoise's hashed name
            served = production[url.group(1)]
            assert served["status"] == 200
            assert f'integrity="{served["sha384"]}"' in tag, tag


def test_security_txt_in_production(production):
    text = production["/.well-known/security.txt"]["body"]
    assert f"Contact: mailto:security@{HOST}" in text
    assert f"Canonical: https://{HOST}/.well-known/security.txt" in text
