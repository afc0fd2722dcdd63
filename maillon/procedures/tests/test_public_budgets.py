"""Budgets of the public form page (issue 19): at most 8 queries and 14 KB of gzip-compressed HTML,
whatever the number of requests and procedures of the commune; the other public pages too."""

import gzip

import pytest

from maillon.citizens.testing import login_citizen
from maillon.procedures import services_public
from maillon.procedures.municipal import MUNICIPAL

from .public_helpers import Town, citizen, waste_answers

pytestmark = pytest.mark.django_db
MAX_QUERIES = 8
MAX_GZIP = 14 * 1024


@pytest.fixture
def town():
    return Town("budget")


def _measure(client, path, django_assert_max_num_queries):
    client.get(path)  # the session's first request (the commune's state is then cached, as in production)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(path)
    assert response.status_code == 200, path
    size = len(gzip.compress(response.content))
    assert size <= MAX_GZIP, (path, size)
    return size


def test_the_public_form_page_stays_within_its_budgets(client, town, django_assert_max_num_queries):
    procedures = {key: town.enable(key) for key in MUNICIPAL}
    person = citizen()
    for _ in range(5):  # data does not make the page grow
        services_public.send_request(town.request(), procedures["commune-encombrants"], person, waste_answers())
    login_citizen(client, person)
    sizes = {key: _measure(client, f"/{town.org.slug}/demarches-en-ligne/{p.slug}/", django_assert_max_num_queries)
             for key, p in procedures.items()}
    assert max(sizes.values()) <= MAX_GZIP
    _measure(client, f"/{town.org.slug}/demarches-en-ligne/", django_assert_max_num_queries)


def test_the_receipt_and_follow_pages_stay_within_budgets(client, town, django_assert_max_num_queries):
    waste = town.enable("commune-encombrants")
    person = citizen()
    submission = services_public.send_request(town.request(), waste, person, waste_answers())
    for n in range(6):
        services_public.post_message(submission, body=f"Message {n}", user=town.reception)
    login_citizen(client, person)
    base = f"/{town.org.slug}/demarches-en-ligne/suivi/{submission.reference}/"
    _measure(client, f"{base}recu/", django_assert_max_num_queries)
    with django_assert_max_num_queries(12):
        assert client.get(base).status_code == 200
