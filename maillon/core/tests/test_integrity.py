"""Subresource integrity (core/integrity.py): every script and stylesheet a page loads from
/static/ carries the sha384 of the very bytes served at that address."""

import base64
import hashlib
import re

import pytest

from maillon.core import integrity

TAGS = re.compile(r"<(script|link)\b[^>]*>", re.I)


def served_digest(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def loaded_files(html: str) -> list[tuple[str, str | None]]:
    """(address, integrity) of every script with a src and every stylesheet link."""
    found = []
    for tag in TAGS.finditer(html):
        text = tag.group(0)
        if tag.group(1).lower() == "link" and 'rel="stylesheet"' not in text:
            continue
        url = re.search(r'(?:src|href)="([^"]+)"', text)
        if url is None:
            continue
        value = re.search(r'integrity="([^"]+)"', text)
        found.append((url.group(1), value.group(1) if value else None))
    return found


@pytest.mark.parametrize("path", [
    "/essais/tableau-de-bord/", "/essais/agenda/", "/comptes/securite/", "/essais/notifications/reglages/",
    "/api/v1/docs", "/django-admin/",
])
def test_every_script_and_stylesheet_of_a_page_has_the_served_files_digest(people, login, path):
    client = login(people.owner)
    if path == "/django-admin/":
        people.owner.is_staff = people.owner.is_superuser = True
        people.owner.save()
    response = client.get(path)
    assert response.status_code == 200, path
    files = loaded_files(response.content.decode())
    assert files, path
    for url, value in files:
        assert url.startswith("/static/"), url  # nothing from another origin
        assert value == served_digest(client, url), url


def test_the_login_page_and_wagtails_admin_too(people, client, login):
    assert all(value for _url, value in loaded_files(client.get("/comptes/login/").content.decode()))
    from maillon.testing import make_member

    editor = make_member(people.org, "communication", username="redaction")
    page = login(editor).get("/cms/")
    if page.status_code == 200:
        files = loaded_files(page.content.decode())
        assert files and all(value for _url, value in files)


def test_a_tag_is_left_alone_when_it_is_not_a_local_script_or_stylesheet():
    html = (b'<link rel="icon" href="/static/ui/img/favicon.svg"><link rel="manifest" href="/manifest.webmanifest">'
            b'<script src="https://cdn.example.org/x.js"></script><script>1</script>'
            b'<script src="/static/nope/missing.js"></script>'
            b'<script src="/static/ui/js/maillon.js" integrity="sha384-given"></script>')
    assert integrity.add_integrity(html) == html


def test_single_quotes_self_closing_tags_and_versioned_urls():
    html = b"<link rel='stylesheet' href='/static/ui/css/maillon.css?v=3' /><script defer src=\"/static/ui/js/maillon.js\"></script>"
    out = integrity.add_integrity(html).decode()
    assert out.count('integrity="sha384-') == 2
    assert out.startswith("<link rel='stylesheet' href='/static/ui/css/maillon.css?v=3' integrity=\"sha384-") and out.endswith("></script>")
    assert "/>" in out


def test_a_path_outside_the_static_files_is_refused():
    assert integrity.static_path("/static/../settings.py") is None
    assert integrity.static_path("/media/logos/x.png") is None


def test_a_changed_file_is_hashed_again(tmp_path):
    target = tmp_path / "a.js"
    target.write_text("one")
    first = integrity.digest(target)
    target.write_text("two!")
    assert integrity.digest(target) != first
