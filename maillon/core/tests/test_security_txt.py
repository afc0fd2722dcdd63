"""/.well-known/security.txt (RFC 9116)."""

from datetime import UTC, datetime, timedelta

from maillon.core import securitytxt


def fields(text: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_security_txt_is_served_to_anyone_with_the_rfc_fields(client, db, settings):
    settings.MAILLON_SECURITY_CONTACT = ""
    settings.MAILLON_BASE_URL = "https://intranet.exemple.fr"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    found = fields(response.content.decode())
    assert found["Contact"] == "mailto:security@intranet.exemple.fr"
    assert found["Preferred-Languages"] == "fr, en"
    assert found["Canonical"] == "https://intranet.exemple.fr/.well-known/security.txt"
    expires = datetime.strptime(found["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now + timedelta(days=300) < expires <= now + timedelta(days=365)


def test_expires_is_computed_when_asked_never_frozen():
    a = fields(securitytxt.text(datetime(2026, 1, 1, tzinfo=UTC)))["Expires"]
    b = fields(securitytxt.text(datetime(2030, 6, 1, 12, tzinfo=UTC)))["Expires"]
    assert a == "2026-12-31T00:00:00Z" and b == "2031-05-31T12:00:00Z"


def test_the_contact_comes_from_the_setting(settings):
    for value, expected in (("securite@centre.fr", "mailto:securite@centre.fr"),
                            ("mailto:rssi@centre.fr", "mailto:rssi@centre.fr"),
                            ("https://centre.fr/securite", "https://centre.fr/securite")):
        settings.MAILLON_SECURITY_CONTACT = value
        assert fields(securitytxt.text())["Contact"] == expected


def test_only_reading_is_allowed(client, db):
    assert client.post("/.well-known/security.txt").status_code == 405
    assert client.head("/.well-known/security.txt").status_code == 200
