"""The audit log records the client's address, also behind a reverse proxy."""

from django.test import RequestFactory, override_settings

from maillon.audit.services import _client_ip


def test_without_a_proxy_the_address_is_the_connections():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert _client_ip(request) == "203.0.113.7"  # a forged header is not believed


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_is_the_one_it_forwarded():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert _client_ip(request) == "203.0.113.7"  # the proxy's own entry, not the client-supplied first one


def test_no_request_no_address():
    assert _client_ip(None) is None
