"""Rate limits and the honeypot, below the views."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory

from maillon.citizens.antiabuse import HoneypotForm, _key, rate_limited
from maillon.citizens.forms import EmailLoginForm


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()
    yield
    cache.clear()


def request_from(ip):
    return RequestFactory().post("/", REMOTE_ADDR=ip)


def test_seventh_send_with_one_address_is_refused_whatever_the_connection():
    for n in range(6):
        assert rate_limited(request_from(f"10.0.0.{n}"), "login", "Meme@Exemple.test") is None
    message = rate_limited(request_from("10.0.1.1"), "login", " meme@exemple.test ")
    assert message and "adresse" in message
    # Another scope counts apart.
    assert rate_limited(request_from("10.0.1.2"), "idea", "meme@exemple.test") is None


def test_twenty_first_send_from_one_connection_is_refused_and_counters_live_in_the_shared_cache():
    for n in range(20):
        # A new request object each time: only the cache remembers (what every web process shares).
        assert rate_limited(request_from("192.0.2.7"), "login", f"p{n}@exemple.test") is None
    assert cache.get(_key("login", "ip", "192.0.2.7")) == 20
    message = rate_limited(request_from("192.0.2.7"), "login", "encore@exemple.test")
    assert message and "connexion" in message
    assert rate_limited(request_from("192.0.2.8"), "login", "encore@exemple.test") is None
    cache.clear()  # the hour has passed
    assert rate_limited(request_from("192.0.2.7"), "login", "encore@exemple.test") is None


def test_honeypot_refuses_a_filled_field_and_renders_hidden():
    assert not HoneypotForm({"website": "http://spam.example"}).is_valid()
    assert HoneypotForm({"website": ""}).is_valid()
    form = EmailLoginForm({"email": "a@exemple.test", "website": "x"})
    assert not form.is_valid() and "automatique" in str(form.errors["website"])
    assert 'tabindex="-1"' in str(form["website"]) and 'autocomplete="off"' in str(form["website"])


@pytest.mark.django_db
def test_login_page_puts_the_honeypot_in_a_hidden_block(client):
    from maillon.citizens.testing import make_commune

    make_commune("saint-essai")
    text = client.get("/saint-essai/citoyens/connexion/").content.decode()
    block = text[text.index('<div class="hp" aria-hidden="true">'):]
    assert 'name="website"' in block[:block.index("</form>")] and 'name="website"' not in text[:text.index('class="hp"')]
    css = (Path(settings.BASE_DIR) / "ui/static/ui/css/maillon.css").read_text()
    assert ".hp {" in css and "left: -10000px" in css
