"""The demo's TOTP secrets are drawn at random on each install, printed by ``maillon demo`` and
read back by ``maillon totp``; seeding again on the same install keeps them."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.core.management import call_command
from django.core.management.base import CommandError

from maillon.core import demo

pytestmark = pytest.mark.django_db


def privileged_secrets(context) -> dict[str, str]:
    return {login.username: login.totp_secret for login in context.logins if login.totp_secret}


def test_two_installs_get_different_secrets_and_one_install_keeps_its_own():
    first = privileged_secrets(demo.seed())
    assert set(first) == {"directrice", "rh", "admin", "arc.directeur", "fede.directrice", "valdegers.direction", "valdegers.coordination",
                          "commune1.secretariat", "commune2.secretariat", "commune3.secretariat"}
    assert len(set(first.values())) == len(first)  # one per account, not derived from the name
    assert privileged_secrets(demo.seed()) == first  # seeding again: the authenticator apps still work
    Authenticator.objects.all().delete()  # as on a fresh install
    second = privileged_secrets(demo.seed())
    assert set(second) == set(first)
    assert all(second[name] != first[name] for name in first)


def test_maillon_totp_prints_a_valid_code_of_this_installs_secret(capsys):
    secrets = privileged_secrets(demo.seed())
    call_command("totp", "rh")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and validate_totp_code(secrets["rh"], code)
    with pytest.raises(CommandError, match="Aucun compte animateur avec une application d’authentification"):
        call_command("totp", "animateur")
