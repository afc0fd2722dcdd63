"""E-mail in production (issue 12, item 7): a backend is required (or explicitly « none »,
which `check --deploy` and the pages that send mail announce), and the development outbox shows
an organisation only its own mail."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMessage

from maillon.accounts.roles import Role
from maillon.notifications.backends import organisation_header
from maillon.notifications.models import OutboxMessage
from maillon.testing import make_member

ROOT = Path(__file__).resolve().parents[3]


def run_check(tmp_path, *args, **extra_env):
    env = {**os.environ, "MAILLON_ENV": "production", "SECRET_KEY": "production-test-" + "k3y" * 20,
           "ALLOWED_HOSTS": "maillon.exemple.fr", "MAILLON_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "maillon.settings", **extra_env}
    env.pop("DATABASE_URL", None)
    if "EMAIL_URL" not in extra_env:
        env.pop("EMAIL_URL", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "maillon.cli", "check", *args], env=env, capture_output=True, text=True,
        timeout=120, cwd=ROOT)


def test_production_without_an_email_backend_does_not_start(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode != 0
    assert "EMAIL_URL is required when MAILLON_ENV=production" in result.stderr


def test_production_with_email_none_starts_and_check_deploy_warns(tmp_path):
    result = run_check(tmp_path, "--deploy", EMAIL_URL="none")
    assert "maillon.W001" in result.stdout + result.stderr
    assert "sends no e-mail" in result.stdout + result.stderr


def test_email_none_sends_nothing_and_logs_each_message(settings, caplog):
    settings.EMAIL_BACKEND = "maillon.notifications.backends.DisabledEmailBackend"
    with caplog.at_level("WARNING", logger="maillon.email"):
        assert EmailMessage("Réinitialisation", "Lien", to=["rh@exemple.test"]).send() == 0
    assert "Réinitialisation" in caplog.text and "rh@exemple.test" in caplog.text


def test_pages_that_send_mail_say_none_will_leave(people, login, client, settings):
    settings.EMAIL_DISABLED = True
    warning = "envoie aucun e-mail"
    assert warning in client.get("/comptes/password/reset/").content.decode()
    admin = people.with_role(Role.ADMIN)
    page = login(admin).get(f"/{people.org.slug}/admin/membres/inviter/").content.decode()
    assert warning in page
    settings.EMAIL_DISABLED = False
    assert warning not in client.get(f"/{people.org.slug}/admin/membres/inviter/").content.decode()


@pytest.fixture
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "maillon.notifications.backends.OutboxEmailBackend"


def test_the_outbox_shows_an_organisation_only_its_own_mail(people, login, client, outbox_backend):
    mine = make_member(people.org, email="marie.durand@exemple.test")
    client.post("/comptes/password/reset/", {"email": mine.email})
    client.post("/comptes/password/reset/", {"email": people.outsider.email})
    EmailMessage("Invitation invité", "RSVP", to=["invite@partenaire.test"],
                 headers=organisation_header(people.other_org.pk)).send()
    assert OutboxMessage.objects.count() == 3

    page = login(people.with_role(Role.ADMIN)).get(f"/{people.org.slug}/admin/boite-envoi/").content.decode()
    assert mine.email in page
    assert people.outsider.email not in page and "Invitation invité" not in page
    theirs = OutboxMessage.objects.filter(to=people.outsider.email).get()
    assert client.get(f"/{people.org.slug}/admin/boite-envoi/{theirs.pk}/").status_code == 404

    other_admin = people.with_role(Role.ADMIN, organisation=people.other_org)
    page = login(other_admin).get(f"/{people.other_org.slug}/admin/boite-envoi/").content.decode()
    assert people.outsider.email in page and "Invitation invité" in page and mine.email not in page
