"""Approving fast: after a password check an approver signs the next decisions for five minutes
without typing it again (no Argon2); the window is per session and per person, ends after five
minutes, and the signatures it makes verify like the others. The approve request's queries do not
grow with the data."""

from unittest import mock

import pytest

from maillon.accounts import signing
from maillon.accounts.models import Signature
from maillon.accounts.signing import verify
from maillon.audit.models import AuditEntry
from maillon.procedures.models import Step, Submission
from maillon.testing import TEST_PASSWORD, QueryCounter

BASE = "/essais/demarches/"
ANSWERS = {"trajets": [{"objet": "Sortie", "montant": "3.00"}], "iban": "FR7630006000011234567890189"}


@pytest.fixture
def mileage(enable):
    return enable("frais-kilometriques")


def decide_url(submission):
    return f"{BASE}dossiers/{submission.pk}/decision/"


def test_an_approver_types_the_password_once_then_signs_for_five_minutes_without_it(people, chain, flow, login, mileage):
    first, second, third = (flow.submit(people.owner, mileage, ANSWERS) for _ in range(3))
    client = login(chain.coordinator)
    page = client.get(f"{BASE}dossiers/{first.pk}/").content.decode()
    assert "moins de 5 minutes" not in page
    assert client.post(decide_url(first), {"decision": "approve"}).status_code == 200  # no password yet: asked for it
    assert client.post(decide_url(first), {"decision": "approve", "signature-password": TEST_PASSWORD}).status_code == 302
    page = client.get(f"{BASE}dossiers/{second.pk}/").content.decode()
    assert "Vous avez saisi votre mot de passe il y a moins de 5 minutes" in page
    with mock.patch("maillon.accounts.models.User.check_password", side_effect=AssertionError("no Argon2 here")):
        assert client.post(decide_url(second), {"decision": "approve"}).status_code == 302
        response = client.post(decide_url(third), {"decision": "reject", "comment": "Il manque le justificatif."})
        assert response.status_code == 302
    step = Step.objects.get(submission=second, position=1)
    assert step.status == Step.Status.APPROVED and step.decided_by == chain.coordinator
    assert step.signature.method == Signature.Method.PASSWORD and step.signature.signer == chain.coordinator
    assert verify(step.signature).ok
    assert Submission.objects.get(pk=third.pk).status == Submission.Status.REJECTED
    assert AuditEntry.objects.filter(action="signature.create", data__reauthenticated__isnull=False).count() == 2


def test_the_window_closes_after_five_minutes(people, chain, flow, login, mileage, monkeypatch):
    first, second = (flow.submit(people.owner, mileage, ANSWERS) for _ in range(2))
    client = login(chain.coordinator)
    assert client.post(decide_url(first), {"decision": "approve", "signature-password": TEST_PASSWORD}).status_code == 302
    later = signing.time.time() + signing.WINDOW_SECONDS + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(decide_url(second), {"decision": "approve"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode() or "Saisissez votre mot de passe" in response.content.decode()
    assert Step.objects.get(submission=second, position=1).status == Step.Status.WAITING


def test_the_window_belongs_to_one_person_and_one_session(people, chain, flow, login, mileage, client):
    submission = flow.submit(people.owner, mileage, ANSWERS)
    other = flow.submit(people.colleague, mileage, ANSWERS)
    coordinator = login(chain.coordinator)
    assert coordinator.post(decide_url(submission), {"decision": "approve", "signature-password": TEST_PASSWORD}).status_code == 302
    # The same browser, someone else logged in, with the coordinator's window left in the session: not theirs.
    hr = login(chain.hr)
    session = hr.session
    session[signing.SESSION_KEY] = [chain.coordinator.pk, signing.time.time()]
    session.save()
    assert hr.post(decide_url(submission), {"decision": "approve"}).status_code == 200
    assert flow.waiting(submission).role == "hr"
    # Another browser of the coordinator: no window either.
    from django.test import Client

    fresh = Client()
    fresh.force_login(chain.coordinator)
    assert fresh.post(decide_url(other), {"decision": "approve"}).status_code == 200
    assert Step.objects.get(submission=other, position=1).status == Step.Status.WAITING


def test_a_wrong_password_opens_no_window(people, chain, flow, login, mileage):
    first, second = (flow.submit(people.owner, mileage, ANSWERS) for _ in range(2))
    client = login(chain.coordinator)
    response = client.post(decide_url(first), {"decision": "approve", "signature-password": "faux"})
    assert "Ce mot de passe n’est pas correct" in response.content.decode()
    assert client.post(decide_url(second), {"decision": "approve"}).status_code == 200
    assert not Step.objects.filter(status=Step.Status.APPROVED).exists()


def test_allauth_password_reauthentication_opens_the_window(people, chain, flow, make_request, mileage):
    from allauth.account.internal.flows.login import record_authentication

    submission = flow.submit(people.owner, mileage, ANSWERS)
    request = make_request(chain.coordinator)
    assert not signing.reauthenticated_recently(request)
    record_authentication(request, chain.coordinator, method="password", reauthenticated=True)
    assert signing.reauthenticated_recently(request)
    from maillon.procedures import services

    services.decide(request, flow.waiting(submission), "approve", password=None)
    assert Step.objects.get(submission=submission, position=1).status == Step.Status.APPROVED


def test_a_plain_login_is_not_a_reauthentication(people, chain, make_request):
    from allauth.account.internal.flows.login import record_authentication

    request = make_request(chain.coordinator)
    record_authentication(request, chain.coordinator, method="password")
    assert not signing.reauthenticated_recently(request)


def test_the_submitter_also_signs_without_retyping_within_five_minutes(people, chain, login, mileage):
    client = login(people.owner)
    url = f"{BASE}nouvelle/{mileage.slug}/"
    form = {"trajets__rows": "1", "trajets__0__objet": "Sortie", "trajets__0__montant": "3,00", "iban": "FR7630006000011234567890189",
            "action": "submit"}
    assert client.post(url, {**form, "signature-password": TEST_PASSWORD}).status_code == 302
    assert client.post(url, form).status_code == 302
    assert Submission.objects.filter(status=Submission.Status.PENDING).count() == 2


def test_the_approve_request_keeps_its_queries_flat(people, chain, flow, login, mileage):
    def approve_queries(submission, client):
        with QueryCounter() as queries:
            assert client.post(decide_url(submission), {"decision": "approve"}).status_code == 302
        return len(queries)

    warm = flow.submit(people.owner, mileage, ANSWERS)
    client = login(chain.coordinator)
    client.post(decide_url(warm), {"decision": "approve", "signature-password": TEST_PASSWORD})
    few = approve_queries(flow.submit(people.owner, mileage, ANSWERS), client)
    for _ in range(5):
        flow.submit(people.owner, mileage, ANSWERS)
        flow.submit(people.colleague, mileage, ANSWERS)
    many = approve_queries(flow.submit(people.owner, mileage, ANSWERS), client)
    assert many == few
    assert few <= 22  # was 32: see test_approve_queries.py for the whole chain with its notifications
