"""core.session_store (issue 14): sessions read through a compiled query are Django's database
sessions: the same data, an expired or unknown key is no session, and every page still knows
its person (the settings' engine without Redis)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from maillon.core.session_store import SessionStore


@pytest.mark.django_db
def test_it_reads_what_django_wrote_and_django_reads_what_it_wrote():
    django_store = DjangoStore()
    django_store["colour"] = "vert"
    django_store.save()
    assert SessionStore(django_store.session_key)["colour"] == "vert"
    ours = SessionStore()
    ours["colour"] = "bleu"
    ours.save()
    assert DjangoStore(ours.session_key)["colour"] == "bleu"
    assert SessionStore(ours.session_key).load() == DjangoStore(ours.session_key).load() == {"colour": "bleu"}


@pytest.mark.django_db
def test_an_expired_or_unknown_key_is_no_session():
    store = SessionStore()
    store["who"] = "quelqu'un"
    store.save()
    key = store.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    assert DjangoStore(key).load() == {}  # the same answer as Django's


@pytest.mark.django_db
def test_two_sessions_each_read_their_own_data():
    first, second = SessionStore(), SessionStore()
    first["n"], second["n"] = 1, 2
    first.save()
    second.save()
    assert SessionStore(first.session_key)["n"] == 1 and SessionStore(second.session_key)["n"] == 2


def test_it_is_the_engine_without_redis(settings):
    from django.conf import settings as live

    if live.REDIS_URL:
        pytest.skip("with Redis, sessions are cached_db")
    assert live.SESSION_ENGINE == "maillon.core.session_store"


@pytest.mark.django_db
def test_a_page_knows_its_person_and_a_logout_ends_it(people, login):
    client = login(people.owner)
    assert client.get("/essais/tableau-de-bord/").status_code == 200
    client.post(reverse("account_logout"))
    response = client.get("/essais/tableau-de-bord/")
    assert response.status_code == 302 and "/comptes/" in response["Location"]
