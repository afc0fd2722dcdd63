"""The public forms' demo: three communes of the groupement offer online procedures to their
citizens, with requests in every state and messages, once; run before the communes' seeder it
waits for it."""

from types import SimpleNamespace

import pytest

from maillon.communes.demo import seed_communes
from maillon.core.registry import registry
from maillon.procedures import demo_public
from maillon.procedures.models import Procedure, Submission, SubmissionMessage

pytestmark = pytest.mark.django_db


def test_it_seeds_three_communes_with_requests_in_every_state_once():
    context = SimpleNamespace(people={}, logins=[])
    before = list(registry.demo_seeders)
    try:
        demo_public.seed(context)  # before the communes: it waits for them
        assert Submission.objects.count() == 0 and registry.demo_seeders[-1] is demo_public._once
        seed_communes(context)
        registry.demo_seeders[-1](context)
    finally:
        registry.demo_seeders[:] = before
    public = Procedure.objects.filter(audience=Procedure.Audience.PUBLIC)
    assert public.values("organisation").distinct().count() == 3 and public.count() == 15
    states = set(Submission.objects.filter(citizen__isnull=False).values_list("status", flat=True))
    assert states == {"pending", "changes", "approved", "rejected", "withdrawn"}
    assert SubmissionMessage.objects.filter(from_citizen=True).exists() and SubmissionMessage.objects.filter(from_citizen=False).exists()
    logins = {login.username: login for login in context.logins}
    assert logins["commune1.secretariat"].totp_secret and not logins["commune1.accueil"].totp_secret  # the director's MFA
    count = Submission.objects.count()
    demo_public.seed(context)
    assert Submission.objects.count() == count
    assert [login.totp_secret for login in context.logins if login.username == "commune1.secretariat"][-1] == \
        logins["commune1.secretariat"].totp_secret  # listed again, with the secret people already added
