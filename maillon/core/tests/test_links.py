"""Every link that leaves a request (e-mails, their .ics files) starts with MAILLON_BASE_URL,
never with the development address nor the host the request happened to come through; in
production the address is derived from a single ALLOWED_HOSTS entry, or required."""

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from maillon.accounts import services as accounts
from maillon.accounts.models import Membership
from maillon.core.links import absolute
from maillon.meetings import services as meetings
from maillon.meetings.models import Meeting
from maillon.meetings.tests.helpers import coordo_type, meeting, membership, room
from maillon.meetings.tests.test_guests import contact
from maillon.notifications.services import notify

pytestmark = pytest.mark.django_db

BASE = "https://intranet.exemple.fr"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.MAILLON_BASE_URL = BASE + "/"  # a trailing slash is tolerated
    mail.outbox.clear()


def links(message) -> list[str]:
    """The links of the text and HTML bodies and of the attachments (.ics)."""
    parts = [message.body] + [content for content, _type in getattr(message, "alternatives", [])]
    for _name, content, _type in message.attachments:
        parts.append(content.decode() if isinstance(content, bytes) else content)
    return [link for part in parts for link in LINK.findall(part.replace("\r\n ", ""))]  # .ics lines are folded


def assert_links_are_public(messages, *, expect_links=True):
    assert messages
    for message in messages:
        found = links(message)
        assert found or not expect_links, message.subject
        for link in found:
            assert link.startswith(BASE + "/"), (message.subject, link)
        text = message.body + "".join(str(a[1]) for a in message.attachments)
        assert "127.0.0.1" not in text and "testserver" not in text and "localhost" not in text


def test_the_helper_joins_the_configured_address_and_a_path(settings):
    assert absolute("/essais/reunions/3/") == f"{BASE}/essais/reunions/3/"
    assert absolute("essais/") == f"{BASE}/essais/"
    assert absolute("https://ailleurs.test/x") == "https://ailleurs.test/x"
    assert settings.WAGTAILADMIN_BASE_URL  # Wagtail reads the same setting (settings.py)


def test_a_notification_email_links_to_the_configured_address(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.owner, "Votre demande est validée", url="/essais/tableau-de-bord/", organisation=people.org)
    assert_links_are_public(mail.outbox)
    assert f"{BASE}/essais/tableau-de-bord/" in mail.outbox[0].body


def test_an_account_invitation_links_to_the_configured_address(people, django_capture_on_commit_callbacks):
    user = get_user_model().objects.create_user(username="nouvelle", email="nouvelle@exemple.test", password=None)
    invited = Membership.objects.create(user=user, organisation=people.org)
    with django_capture_on_commit_callbacks(execute=True):
        accounts.send_invitation(invited)
    assert_links_are_public(mail.outbox)
    assert f"{BASE}/comptes/password/reset/key/" in mail.outbox[0].body


def test_meeting_invitation_update_cancel_and_reminder_link_to_the_configured_address(
        people, login, django_capture_on_commit_callbacks):
    ines = contact(people.org)
    organiser = login(people.owner)
    tomorrow = timezone.localtime() + timedelta(days=1)
    day = tomorrow.date().isoformat()
    with django_capture_on_commit_callbacks(execute=True):  # through the page: the request's host is « testserver »
        response = organiser.post("/essais/reunions/nouvelle/", {
            "title": "Point CAF", "meeting_type": coordo_type(people.org).pk, "day": day, "start_time": "10:00",
            "end_time": "11:00", "contacts": [ines.pk], "people": [membership(people.colleague, people.org).pk]})
    assert response.status_code == 302
    invitations = list(mail.outbox)
    assert sorted(e.to[0] for e in invitations) == ["collegue@exemple.test", "ines.caffort@caf.example"]
    assert all(e.attachments for e in invitations)
    assert_links_are_public(invitations)
    assert all(f"{BASE}/reunions/reponse/" in e.body for e in invitations)

    m = Meeting.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert organiser.post(f"/essais/reunions/{m.pk}/modifier/", {
            "day": day, "start_time": "10:30", "end_time": "11:30", "place": "Salle du conseil"}).status_code == 302
    assert_links_are_public(mail.outbox)  # the update: answer links again

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.send_reminders()
    assert [e.to for e in mail.outbox if e.to == ["ines.caffort@caf.example"]]
    assert_links_are_public(mail.outbox)  # guests' reminder; members' ones are notifications

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert organiser.post(f"/essais/reunions/{m.pk}/annuler/").status_code == 302
    assert_links_are_public(mail.outbox, expect_links=False)  # a cancellation has nothing to answer


def test_task_and_meeting_notifications_link_to_the_configured_address(people, django_capture_on_commit_callbacks):
    tomorrow = timezone.localtime() + timedelta(days=1)
    start = datetime.combine(tomorrow.date(), datetime.min.time().replace(hour=9), tzinfo=tomorrow.tzinfo)
    meeting(people.org, people.owner, people.colleague, start=start, room=room(people.org), send_email=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.send_reminders()
    assert len(mail.outbox) == 2  # the organiser and the participant, by notification e-mail
    assert_links_are_public(mail.outbox)


def test_the_password_reset_email_uses_the_host_it_was_asked_from(people, client, settings):
    """allauth's own e-mail: built while answering the request, from its (allowed) host."""
    settings.ALLOWED_HOSTS = ["intranet.exemple.fr"]
    client.post("/comptes/password/reset/", {"email": people.owner.email}, HTTP_HOST="intranet.exemple.fr", secure=True)
    assert len(mail.outbox) == 1
    assert_links_are_public(mail.outbox)


def production(tmp_path, **extra):
    env = {**os.environ, "MAILLON_ENV": "production", "SECRET_KEY": "k" * 50, "EMAIL_URL": "smtp://x:25",
           "MAILLON_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "maillon.settings", **extra}
    for name in ("MAILLON_BASE_URL", "WAGTAILADMIN_BASE_URL", "DATABASE_URL"):
        if name not in extra:
            env.pop(name, None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.MAILLON_BASE_URL, settings.WAGTAILADMIN_BASE_URL)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,  # noqa: S603
                          cwd=Path(__file__).resolve().parents[3])


def test_production_derives_the_address_from_a_single_allowed_host(tmp_path):
    result = production(tmp_path, ALLOWED_HOSTS="intranet.exemple.fr")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [BASE, BASE]


def test_production_takes_the_configured_address_without_its_trailing_slash(tmp_path):
    result = production(tmp_path, ALLOWED_HOSTS="a.exemple.fr,b.exemple.fr", MAILLON_BASE_URL="https://a.exemple.fr/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://a.exemple.fr", "https://a.exemple.fr"]


@pytest.mark.parametrize("hosts", ["a.exemple.fr,b.exemple.fr", ".exemple.fr", "*"])
def test_production_refuses_to_guess_the_address_between_several_hosts(tmp_path, hosts):
    result = production(tmp_path, ALLOWED_HOSTS=hosts)
    assert result.returncode != 0
    assert "MAILLON_BASE_URL is required" in result.stderr


def test_an_address_without_its_scheme_is_refused(tmp_path):
    result = production(tmp_path, ALLOWED_HOSTS="intranet.exemple.fr", MAILLON_BASE_URL="intranet.exemple.fr")
    assert result.returncode != 0
    assert "MAILLON_BASE_URL must start with https://" in result.stderr


def test_the_demo_links_to_the_address_it_serves_on_unless_one_is_configured(settings, monkeypatch):
    from maillon.core.management.commands.demo import demo_base_url

    monkeypatch.setenv("MAILLON_BASE_URL", "")
    assert demo_base_url("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert os.environ["MAILLON_BASE_URL"] == "http://127.0.0.1:8080"  # the worker it starts inherits it
    assert settings.MAILLON_BASE_URL == settings.WAGTAILADMIN_BASE_URL == "http://127.0.0.1:8080"
    monkeypatch.setenv("MAILLON_BASE_URL", "")
    assert demo_base_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"  # noqa: S104
    monkeypatch.setenv("MAILLON_BASE_URL", "https://demo.exemple.fr/")
    assert demo_base_url("0.0.0.0", 8000) == "https://demo.exemple.fr"  # noqa: S104
    assert absolute("/essais/") == "https://demo.exemple.fr/essais/"
