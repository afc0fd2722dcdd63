"""Signing: re-authentication, seal, verification code, tamper detection, page and command."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.accounts.forms import SignatureForm
from maillon.accounts.models import Membership, Signature
from maillon.accounts.signing import (
    CODE_ALPHABET,
    code_from_seal,
    content_hash,
    normalise_code,
    sign,
    verify,
)
from maillon.audit.models import AuditEntry
from maillon.testing import TEST_PASSWORD

VERIFY_URL = "/comptes/signatures/verifier/"
CONTENT = {"request": 42, "days": ["2026-07-01", "2026-07-02"], "decision": "approved", "comment": "Bon été !"}


@pytest.fixture
def make_request(people):
    """A request as a view would get it: logged in, organisation resolved, session."""

    def _make(user, organisation=None):
        from django.contrib.sessions.backends.db import SessionStore

        request = RequestFactory().post("/essais/x/")
        request.user = user
        request.session = SessionStore()
        request.organisation = organisation or people.org
        request.membership = Membership.objects.with_roles().get(user=user, organisation=request.organisation)
        return request

    return _make


def test_it_signs_with_the_right_password_and_verifies(people, make_request):
    target = Membership.objects.get(user=people.colleague)
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation de congés", target=target, password=TEST_PASSWORD)
    signature = Signature.objects.get(pk=signature.pk)  # as stored
    assert signature.signer == people.owner and signature.organisation == people.org
    assert signature.method == "password" and signature.content_hash == content_hash(CONTENT)
    assert signature.target_type == "accounts.membership" and signature.target_id == str(target.pk)
    assert len(signature.code) == 12 and set(signature.code) <= set(CODE_ALPHABET)
    result = verify(signature, CONTENT)
    assert result.ok and result.seal_ok and result.content_ok
    assert verify(signature).ok and verify(signature).content_ok is None
    entry = AuditEntry.objects.get(action="signature.create")
    assert entry.actor == people.owner and entry.data["code"] == signature.code


def test_it_refuses_a_wrong_password_in_french_and_records_nothing(people, make_request):
    with pytest.raises(ValidationError) as error:
        sign(make_request(people.owner), content=CONTENT, purpose="x", password="pas le bon")
    assert error.value.messages == ["Ce mot de passe n’est pas correct : l’action n’a pas été signée."]
    with pytest.raises(ValidationError) as error:
        sign(make_request(people.owner), content=CONTENT, purpose="x")
    assert error.value.messages == ["Saisissez votre mot de passe pour signer."]
    assert not Signature.objects.exists()
    assert not AuditEntry.objects.filter(action="signature.create").exists()


def test_it_rate_limits_wrong_passwords_like_login(people, make_request):
    for _attempt in range(5):
        with pytest.raises(ValidationError):
            sign(make_request(people.owner), content=CONTENT, purpose="x", password="mauvais")
    with pytest.raises(ValidationError) as error:
        sign(make_request(people.owner), content=CONTENT, purpose="x", password=TEST_PASSWORD)
    assert error.value.code == "rate_limited"
    assert "Trop de mots de passe erronés" in error.value.messages[0]
    assert not Signature.objects.exists()
    # Another person is not blocked
    assert sign(make_request(people.colleague), content=CONTENT, purpose="x", password=TEST_PASSWORD)


def test_it_accepts_a_recent_passkey_reauthentication_but_not_an_old_one(people, make_request):
    from allauth.account.internal.flows.login import (
        AUTHENTICATION_METHODS_SESSION_KEY,
        record_authentication,
    )

    request = make_request(people.owner)
    # What allauth's passkey re-authentication (mfa_reauthenticate_webauthn) records
    record_authentication(request, people.owner, "mfa", type="webauthn", id=1, reauthenticated=True)
    signature = sign(request, content=CONTENT, purpose="x")
    assert signature.method == "passkey"

    request.session[AUTHENTICATION_METHODS_SESSION_KEY][-1]["at"] = time.time() - 301
    with pytest.raises(ValidationError):
        sign(request, content=CONTENT, purpose="x")

    other = make_request(people.owner)
    record_authentication(other, people.owner, "mfa", type="totp", id=2, reauthenticated=True)
    with pytest.raises(ValidationError):
        sign(other, content=CONTENT, purpose="x")
    passkey_elsewhere = make_request(people.colleague)
    record_authentication(passkey_elsewhere, people.owner, "mfa", type="webauthn", id=1, reauthenticated=True)
    passkey_elsewhere.user = people.colleague  # records of another person do not count
    with pytest.raises(ValidationError):
        sign(passkey_elsewhere, content=CONTENT, purpose="x")


@pytest.mark.parametrize(
    ("field", "value"),
    [("purpose", "Autre chose"), ("signer_label", "Quelqu'un d'autre"), ("content_hash", "0" * 64),
     ("method", "passkey"), ("target_id", "999"), ("code", "0000000000AB")],
)
def test_it_detects_a_tampered_record(people, make_request, field, value):
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    Signature.objects.filter(pk=signature.pk).update(**{field: value})
    assert not verify(Signature.objects.get(pk=signature.pk)).ok


def test_it_detects_a_changed_signed_at_and_signer(people, make_request):
    from django.utils import timezone

    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    Signature.objects.filter(pk=signature.pk).update(signed_at=timezone.now() - timezone.timedelta(days=1))
    assert not verify(Signature.objects.get(pk=signature.pk)).seal_ok
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    Signature.objects.filter(pk=signature.pk).update(signer=people.colleague)
    assert not verify(Signature.objects.get(pk=signature.pk)).seal_ok


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
contents = st.dictionaries(st.text(max_size=10), json_values, min_size=1, max_size=6)


@settings(max_examples=200)
@given(contents)
def test_it_hashes_the_same_content_the_same_whatever_the_key_order(content):
    reordered = dict(reversed(list(content.items())))
    assert content_hash(content) == content_hash(reordered)
    assert len(content_hash(content)) == 64


@settings(max_examples=200)
@given(contents, st.text(max_size=10), json_values)
def test_it_notices_any_change_to_the_content(content, key, value):
    changed = dict(content)
    changed[key] = value
    if changed != content:
        assert content_hash(changed) != content_hash(content)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contents, contents)
def test_it_verifies_the_signed_content_and_rejects_another(people, make_request, content, other):
    signature = sign(make_request(people.owner), content=content, purpose="Propriété", password=TEST_PASSWORD)
    assert verify(signature, content).ok
    assert verify(signature, other).ok == (content_hash(other) == content_hash(content))


@given(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_it_derives_a_typable_code_that_survives_how_people_type_it(seal):
    code = code_from_seal(seal)
    assert len(code) == 12 and set(code) <= set(CODE_ALPHABET)
    typed = "-".join(code[i:i + 4] for i in range(0, 12, 4)).lower().replace("0", "o").replace("1", "l")
    assert normalise_code(" " + typed + " ") == code


def test_it_shows_who_signed_what_on_the_verification_page(people, make_request, login):
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation de congés", password=TEST_PASSWORD)
    page = login(people.colleague).get(VERIFY_URL, {"code": signature.display_code.lower()}).content.decode()
    assert "Intacte" in page
    assert str(people.owner) in page and "Validation de congés" in page and signature.content_hash in page

    Signature.objects.filter(pk=signature.pk).update(purpose="Autre")
    page = login(people.colleague).get(VERIFY_URL, {"code": signature.code}).content.decode()
    assert "Altérée" in page


def test_it_does_not_show_signatures_of_other_organisations(people, make_request, login):
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Budget confidentiel 2026", password=TEST_PASSWORD)
    page = login(people.outsider).get(VERIFY_URL, {"code": signature.code}).content.decode()
    assert "Budget confidentiel" not in page and "Aucune signature ne porte ce code" in page
    Membership.objects.filter(user=people.colleague).update(is_active=False)
    page = login(people.colleague).get(VERIFY_URL, {"code": signature.code}).content.decode()
    assert "Budget confidentiel" not in page


def test_it_asks_to_log_in_before_verifying(db, client):
    response = client.get(VERIFY_URL)
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_it_verifies_from_the_command_line(people, make_request, capsys):
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    call_command("signatures", "verify", signature.display_code)
    assert "INTACT" in capsys.readouterr().out
    Signature.objects.filter(pk=signature.pk).update(purpose="Autre")
    with pytest.raises(CommandError, match="MODIFIÉ : le document a été modifié") as error:
        call_command("signatures", "verify", signature.code)
    assert error.value.returncode == 1
    with pytest.raises(CommandError, match="No signature"):
        call_command("signatures", "verify", "AAAA-BBBB-CCCC")


def test_it_offers_a_signature_form_with_a_clear_label(people, make_request):
    request = make_request(people.owner)
    form = SignatureForm(request=request)
    assert "Mot de passe (signature)" in str(form["password"].label_tag())
    form = SignatureForm({"signature-password": "faux"}, request=request)
    assert form.is_valid()
    assert form.sign(content=CONTENT, purpose="x") is None
    assert form.errors["password"] == ["Ce mot de passe n’est pas correct : l’action n’a pas été signée."]
    form = SignatureForm({"signature-password": TEST_PASSWORD}, request=request)
    assert form.is_valid() and form.sign(content=CONTENT, purpose="x").method == "password"
    assert not SignatureForm({}, request=request).is_valid()


# ---- the key that sealed: « another key » is not « altered » -----------------------------


def test_a_signature_names_its_key_without_revealing_it(people, make_request, settings):
    from maillon.accounts.signing import key_id

    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    assert signature.key_id == key_id() and len(key_id()) == 8
    assert settings.SECRET_KEY not in signature.key_id
    settings.SECRET_KEY = "une-autre-cle-" + "x" * 50
    assert key_id() != signature.key_id


def test_with_another_secret_key_the_command_says_the_key_differs_not_that_the_document_changed(people, make_request, settings, capsys):
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    original = settings.SECRET_KEY
    settings.SECRET_KEY = "une-autre-cle-" + "x" * 50
    assert verify(Signature.objects.get(pk=signature.pk)).key_differs
    with pytest.raises(CommandError, match="NON VÉRIFIABLE : la clé secrète diffère de celle qui a signé") as error:
        call_command("signatures", "verify", signature.code)
    assert error.value.returncode == 2
    assert "MODIFIÉ" not in str(error.value)
    # The original key listed as a fallback (a rotated key): the signature verifies again.
    settings.SECRET_KEY_FALLBACKS = [original]
    call_command("signatures", "verify", signature.code)
    assert "INTACT" in capsys.readouterr().out


def test_with_the_same_key_an_edited_record_is_altered(people, make_request):
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    Signature.objects.filter(pk=signature.pk).update(signed_at=signature.signed_at - timezone.timedelta(days=1))
    result = verify(Signature.objects.get(pk=signature.pk))
    assert not result.seal_ok and not result.key_differs
    with pytest.raises(CommandError, match="MODIFIÉ : le document a été modifié après la signature") as error:
        call_command("signatures", "verify", signature.code)
    assert error.value.returncode == 1


def test_a_signature_made_before_keys_were_named_keeps_the_former_verdicts(people, make_request, settings):
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    Signature.objects.filter(pk=signature.pk).update(key_id="")
    assert verify(Signature.objects.get(pk=signature.pk)).ok
    settings.SECRET_KEY = "une-autre-cle-" + "x" * 50
    result = verify(Signature.objects.get(pk=signature.pk))
    assert not result.seal_ok and not result.key_differs  # cannot tell: « altered », as before
    with pytest.raises(CommandError, match="MODIFIÉ"):
        call_command("signatures", "verify", signature.code)


def test_the_verification_page_says_the_key_differs(people, make_request, login, settings):
    signature = sign(make_request(people.owner), content=CONTENT, purpose="Validation", password=TEST_PASSWORD)
    settings.SECRET_KEY = "une-autre-cle-" + "x" * 50
    client = login(people.colleague)  # a session opened under the new key
    page = client.get(VERIFY_URL, {"code": signature.code}).content.decode()
    assert "Non vérifiable sur ce serveur : sa clé secrète diffère de celle qui a signé." in page.replace("&#x27;", "'")
    assert "Altérée" not in page
