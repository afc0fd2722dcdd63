"""Signing an action: re-authentication (password or recent passkey) and a verifiable record.

A feature that needs a signature (approving a request, validating a recap...) calls::

    signature = sign(request, content={...}, purpose="leave.approve", target=leave_request,
                     password=form.cleaned_data["password"])

``content`` is the dict of what is being signed; only its SHA-256 (over canonical JSON) is
stored. Later, ``verify(signature, content)`` says whether the record is intact (the seal
matches) and whether the content still matches what was signed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from maillon.audit.services import record

from .models import Signature

# Crockford's base 32: no I, L, O, U, so codes read aloud are not mistaken.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 bits
SEAL_SALT = "maillon.accounts.signing.seal"
KEY_ID_SALT = "maillon.accounts.signing.key-id"
PASSKEY_WINDOW_SECONDS = 5 * 60
WINDOW_SECONDS = PASSKEY_WINDOW_SECONDS  # a password checked for a signature also counts for five minutes
SESSION_KEY = "accounts.password_checked_at"
RATE_LIMIT_ACTION = "signature_failed"  # 5 wrong passwords in 5 minutes per person (ACCOUNT_RATE_LIMITS)


def canonical_json(content) -> bytes:
    """One byte string per content, whatever the key order: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def content_hash(content) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def _sealed_facts(signature: Signature) -> bytes:
    return canonical_json({
        "organisation": signature.organisation_id,
        "signer": signature.signer_id,
        "signer_label": signature.signer_label,
        "signed_at": signature.signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "purpose": signature.purpose,
        "target_type": signature.target_type,
        "target_id": signature.target_id,
        "content_hash": signature.content_hash,
        "method": signature.method,
    })


def compute_seal(signature: Signature, secret: str | None = None) -> str:
    """HMAC-SHA256 over who/when/what, keyed by a key derived from SECRET_KEY (or ``secret``)."""
    return salted_hmac(SEAL_SALT, _sealed_facts(signature), secret=secret, algorithm="sha256").hexdigest()


def key_id(secret: str | None = None) -> str:
    """Eight hex characters that name the key sealing the signatures (SECRET_KEY, or ``secret``)
    without revealing it: stored with each signature, it tells « another key » from « altered »."""
    return salted_hmac(KEY_ID_SALT, "maillon-signature-key-id", secret=secret, algorithm="sha256").hexdigest()[:8]


def code_from_seal(seal: str) -> str:
    number = int(seal[:16], 16) >> 4  # 60 bits
    chars = []
    for _index in range(CODE_LENGTH):
        number, rest = divmod(number, 32)
        chars.append(CODE_ALPHABET[rest])
    return "".join(reversed(chars))


def normalise_code(raw: str) -> str:
    """What a person typed -> the stored code (spaces, dashes, case and look-alikes ignored)."""
    cleaned = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


@dataclass(frozen=True)
class VerificationResult:
    seal_ok: bool
    content_ok: bool | None  # None: no content given to compare
    # The seal could not be checked: this server has neither the key that signed nor it in
    # SECRET_KEY_FALLBACKS. Says nothing of the record (not intact, not altered either).
    key_differs: bool = False

    @property
    def ok(self) -> bool:
        return self.seal_ok and self.content_ok is not False


def _seal_matches(signature: Signature, secret: str) -> bool:
    expected = compute_seal(signature, secret)
    return hmac.compare_digest(expected, signature.seal) and signature.code == code_from_seal(expected)


def verify(signature: Signature, content=None) -> VerificationResult:
    """Is the record intact (seal and code)? Does ``content`` (when given) match what was signed?

    The seal is checked with SECRET_KEY and the keys of SECRET_KEY_FALLBACKS (a rotated key keeps
    its signatures verifiable). A signature that names its key (``key_id``; rows made before it
    was stored do not) is checked with that key only, and when this server does not have it the
    answer is ``key_differs``, not « altered ». Someone able to edit the row could change that id
    too: the signature is then still not verified, only described as unverifiable."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if signature.key_id:
        keys = [key for key in keys if key_id(key) == signature.key_id]
    seal_ok = any(_seal_matches(signature, key) for key in keys)
    content_ok = None if content is None else hmac.compare_digest(content_hash(content), signature.content_hash)
    return VerificationResult(seal_ok=seal_ok, content_ok=content_ok, key_differs=not seal_ok and not keys)


def find_by_code(code: str, user) -> Signature | None:
    """The signature with this code, if it belongs to one of ``user``'s organisations."""
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH:
        return None
    return (
        Signature.objects.visible_to(user).select_related("organisation", "signer")
        .filter(code=normalised).distinct().first()
    )


def recent_passkey_reauthentication(request) -> bool:
    """True when the user re-authenticated with a passkey (allauth's reauthenticate flow)
    within the last five minutes, in this session."""
    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.mfa.models import Authenticator

    records = get_authentication_records(request, request.user) if request.user.is_authenticated else []
    now = time.time()
    return any(
        r.get("method") == "mfa" and r.get("type") == Authenticator.Type.WEBAUTHN and r.get("reauthenticated")
        and now - r.get("at", 0) < PASSKEY_WINDOW_SECONDS
        for r in records
    )


def _allauth_password_reauthentication(request, now: float) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    try:
        records = get_authentication_records(request, request.user)
    except Exception:  # noqa: BLE001 - no allauth state in this session
        return False
    return any(r.get("method") == "password" and r.get("reauthenticated") and now - r.get("at", 0) < WINDOW_SECONDS for r in records)


def password_checked_recently(request) -> bool:
    """A password checked less than five minutes ago in this session: by a signature, or by
    allauth's password re-authentication. The window starts at the check and is not extended
    by the signatures made without a password; it is per session (per browser) and per person."""
    if not getattr(request.user, "is_authenticated", False) or not hasattr(request, "session"):
        return False
    now = time.time()
    entry = request.session.get(SESSION_KEY)
    if isinstance(entry, list) and len(entry) == 2 and entry[0] == request.user.pk and 0 <= now - entry[1] < WINDOW_SECONDS:
        return True
    return _allauth_password_reauthentication(request, now)


def reauthenticated_recently(request) -> bool:
    """May this person sign without typing their password (password or passkey, last five minutes)?"""
    return password_checked_recently(request) or recent_passkey_reauthentication(request)


def _remember_password_check(request) -> None:
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = [request.user.pk, time.time()]


def _check_password(request, user, password: str) -> None:
    from allauth.core import ratelimit

    key = f"sign-{user.pk}"
    if not ratelimit.consume(request, action=RATE_LIMIT_ACTION, key=key, dry_run=True):
        raise ValidationError(
            _("Too many wrong passwords. Wait a few minutes before signing again."), code="rate_limited"
        )
    if not user.check_password(password):
        ratelimit.consume(request, action=RATE_LIMIT_ACTION, key=key)
        raise ValidationError(_("This password is not correct: the action was not signed."), code="wrong_password")
    ratelimit.clear(request, action=RATE_LIMIT_ACTION, key=key)


def verify_password(request, password: str) -> None:
    """Check a signature's password now, before the transaction that records the signature:
    Argon2 costs about 0.1 s of CPU (seconds on a loaded server), and inside a transaction SQLite's
    single write lock was held all that time, so that 40 people signing at once queued writers
    past the busy timeout (« database is locked », issue 14, bench/writes.py). ``sign`` given the
    same password in this request does not check it again. Raises ValidationError as ``sign``."""
    user = request.user
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to sign."), code="anonymous")
    _check_password(request, user, password)
    request._signing_password_checked = (user.pk, password)


def sign(request, *, content: dict, purpose: str, target: Model | None = None, password: str | None = None) -> Signature:
    """Re-authenticate the person behind ``request`` and record their signature of ``content``.

    Needs ``password`` (checked, rate-limited like login), or a re-authentication done in the
    last five minutes in this session: a passkey, or a password checked by an earlier signature
    or by allauth (an approver working through a queue types it once, and pays Argon2 once).
    Raises ValidationError (French message) otherwise.
    """
    user = request.user
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to sign."), code="anonymous")
    organisation = getattr(request, "organisation", None) or getattr(target, "organisation", None)
    if organisation is None:
        raise ValidationError(_("A signature belongs to an organisation."), code="no_organisation")
    reauthenticated = ""
    if password:
        if getattr(request, "_signing_password_checked", None) != (user.pk, password):  # verify_password did it
            _check_password(request, user, password)
        _remember_password_check(request)
        method = Signature.Method.PASSWORD
    elif recent_passkey_reauthentication(request):
        method = Signature.Method.PASSKEY
    elif password_checked_recently(request):
        method = Signature.Method.PASSWORD
        reauthenticated = "password, less than 5 minutes ago"
    else:
        raise ValidationError(_("Enter your password to sign."), code="password_required")

    signature = Signature(
        organisation=organisation,
        signer=user,
        signer_label=str(user)[:200],
        signed_at=timezone.now(),
        purpose=purpose[:200],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        content_hash=content_hash(content),
        method=method,
        key_id=key_id(),
    )
    for _attempt in range(5):
        signature.seal = compute_seal(signature)
        signature.code = code_from_seal(signature.seal)
        try:
            with transaction.atomic():
                signature.save()
                record(
                    "signature.create", actor=user, organisation=organisation, target=signature,
                    data={"purpose": signature.purpose, "code": signature.code, "method": method,
                          "content_hash": signature.content_hash, "target_type": signature.target_type,
                          "target_id": signature.target_id, **({"reauthenticated": reauthenticated} if reauthenticated else {})},
                    request=request,
                )
            return signature
        except IntegrityError:  # the same code already exists (about 1 in 2**60): move by 1 µs
            signature.pk = None
            signature.signed_at += timezone.timedelta(microseconds=1)
    raise ValidationError(_("The signature could not be recorded. Try again."), code="code_collision")
