"""Web Push (issue 15): a notification reaches a person's phone even when the browser is closed.

- **Keys.** Every push is signed with one VAPID key pair (RFC 8292); browsers bind each
  subscription to its public key, so it must not change: ``MAILLON_VAPID_PRIVATE_KEY`` (PEM, or
  the raw 32-byte key in base64url as web-push tools print it; ``_FILE`` works too) on every node,
  else one generated once into the data directory. ``MAILLON_VAPID_PUBLIC_KEY``, when set, must
  be its public half (``maillon check --deploy`` says when it is not).
- **Devices.** A person subscribes one browser at a time from the notification settings (one tap,
  after an explanation: static/notifications/push.js); ``subscribe()`` keeps the browser's push
  service address and keys. Only the push services of the browsers people use are accepted
  (``PUSH_SERVICES``): the server POSTs to that address, so it must never be one of ours.
- **Sending.** ``notify()`` calls ``enqueue()`` after commit: when the person has a device and did
  not switch push off for the kind, the task ``send_push`` encrypts the payload (aes128gcm, the
  browser's keys) and POSTs it to each device with short timeouts. A 404/410 answer means the
  subscription is gone: it is deleted. Any other failure is logged; nothing is raised to callers.
  The payload is end-to-end encrypted: the push service sees only its size.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from email.utils import parseaddr
from fnmatch import fnmatchcase
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from py_vapid import Vapid02

from . import kinds
from .models import PushPreference, PushSubscription

log = logging.getLogger(__name__)

KEY_FILE = "vapid_private_key.pem"
# The push services of Chrome, Edge, Firefox and Safari (their subscriptions' endpoints): the
# server sends only there (a setting PUSH_SERVICES replaces the list; the tests name loopback).
PUSH_SERVICES = (
    "https://fcm.googleapis.com",
    "https://*.push.services.mozilla.com",
    "https://*.push.apple.com",
    "https://*.notify.windows.com",
)
MAX_DEVICES = 20
TIMEOUT = (3.05, 5)  # seconds to connect, to read: a slow push service never holds a worker long
TTL = 24 * 3600  # a phone that is off for a day still gets it when it is back, not later
BODY_CHARS = 300  # what a phone shows of a notification; the payload stays far under 4 KB
GONE = {404, 410}


# Keys ---------------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM or from its raw 32 bytes in base64url."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        raw = _b64url_decode(text)
        if len(raw) != 32:
            raise ValueError("a raw VAPID private key is 32 bytes in base64url")
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("the VAPID key must be an EC P-256 (prime256v1) key")
    return key


def _data_dir_key() -> str:
    """The key of the data directory, made on first use (like the development SECRET_KEY)."""
    path = settings.DATA_DIR / KEY_FILE
    if not path.exists():
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:  # two processes starting at once: the first one's key is kept
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
    return path.read_text()


@lru_cache(maxsize=4)
def _vapid(private: str) -> Vapid02:
    return Vapid02(load_private_key(private))


def vapid() -> Vapid02:
    return _vapid(settings.VAPID_PRIVATE_KEY or _data_dir_key())


def public_key() -> str:
    """The application server key the browser subscribes with (uncompressed point, base64url)."""
    point = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url(point)


def subject() -> str:
    """Whom a push service may contact about our pushes: the setting, else the site's https
    address, else the sender address of its e-mails."""
    if settings.VAPID_SUBJECT:
        return settings.VAPID_SUBJECT
    if settings.MAILLON_BASE_URL.startswith("https://"):
        return settings.MAILLON_BASE_URL
    return "mailto:" + (parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@maillon.localhost")


# Devices ------------------------------------------------------------------------------------------


def _port(parts) -> int | None:
    return parts.port or {"https": 443, "http": 80}.get(parts.scheme)


def accepted_endpoint(url: str) -> bool:
    """Whether ``url`` is at one of the PUSH_SERVICES (scheme, host pattern and port)."""
    try:
        parts = urlsplit(url)
        port = _port(parts)
    except ValueError:
        return False
    if parts.username or parts.password or not parts.hostname:
        return False
    for service in getattr(settings, "PUSH_SERVICES", PUSH_SERVICES):
        allowed = urlsplit(service.replace("*", "any-subdomain"))
        host_pattern = allowed.hostname.replace("any-subdomain", "*")
        if parts.scheme == allowed.scheme and port == _port(allowed) and fnmatchcase(parts.hostname, host_pattern):
            return True
    return False


def _valid_key(text: str, length: int) -> bool:
    try:
        raw = _b64url_decode(text)
    except (ValueError, TypeError):
        return False
    if len(raw) != length:
        return False
    if length == 65:  # the browser's P-256 public key, an uncompressed point on the curve
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            return False
    return True


def device_label(user_agent: str) -> str:
    """« Chrome sur Android »: enough for a person to tell their devices apart."""
    ua = user_agent or ""
    browser = next((name for token, name in (("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"),
                                              ("OPR/", "Opera"), ("Chrome/", "Chrome"), ("Safari/", "Safari")) if token in ua), "")
    system = next((name for token, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
                                             ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")) if token in ua), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


def subscribe(user, *, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Keep ``user``'s subscription of one browser. The same browser subscribing again (the same
    endpoint) updates its keys, and it follows whoever subscribed last on that device. Raises a
    ValidationError in French naming the field at fault."""
    errors = {}
    if not endpoint or len(endpoint) > 1000 or not accepted_endpoint(endpoint):
        errors["endpoint"] = _("This push service is not one Maillon sends to.")
    if not _valid_key(p256dh or "", 65):
        errors["p256dh"] = _("The browser's key is not valid.")
    if not _valid_key(auth or "", 16):
        errors["auth"] = _("The browser's secret is not valid.")
    if errors:
        raise ValidationError(errors)
    existing = PushSubscription.objects.filter(endpoint=endpoint).first()
    if existing is None and PushSubscription.objects.for_user(user).count() >= MAX_DEVICES:
        raise ValidationError({"endpoint": _("You already have %(n)s devices: remove one first.") % {"n": MAX_DEVICES}})
    fields = {"user": user, "p256dh": p256dh, "auth": auth, "label": device_label(user_agent)[:120]}
    if existing is None:
        return PushSubscription.objects.create(endpoint=endpoint, **fields)
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save(update_fields=list(fields))
    return existing


def unsubscribe(user, pk: int) -> bool:
    """Remove one of ``user``'s devices; another person's id removes nothing."""
    deleted, _ = PushSubscription.objects.for_user(user).filter(pk=pk).delete()
    return bool(deleted)


# Per kind -----------------------------------------------------------------------------------------


def wanted(user, kind: str) -> bool:
    """Whether ``kind`` reaches ``user``'s devices: their choice, else the kind's default."""
    spec = kinds.get(kind)
    if not spec.configurable:
        return spec.push
    chosen = PushPreference.objects.filter(user=user, kind=kind).values_list("enabled", flat=True).first()
    return spec.push if chosen is None else chosen


def choices(user) -> dict[str, bool]:
    """Every configurable kind's push setting for ``user`` (one query)."""
    chosen = dict(PushPreference.objects.filter(user=user).values_list("kind", "enabled"))
    return {k.code: chosen.get(k.code, k.push) for k in kinds.configurable()}


def set_choices(user, wanted_kinds: dict[str, bool]) -> int:
    """Save ``user``'s push setting per kind (a choice equal to the default is no row).
    Returns how many changed. Unknown kinds raise a ValidationError (in French)."""
    unknown = {code: _("Unknown kind of notification.") for code in wanted_kinds
               if code not in kinds.KINDS or not kinds.KINDS[code].configurable}
    if unknown:
        raise ValidationError(unknown)
    before = choices(user)
    changed = 0
    for code, enabled in wanted_kinds.items():
        if before[code] == enabled:
            continue
        changed += 1
        if enabled == kinds.KINDS[code].push:
            PushPreference.objects.filter(user=user, kind=code).delete()
        else:
            PushPreference.objects.update_or_create(user=user, kind=code, defaults={"enabled": enabled})
    return changed


# Sending ------------------------------------------------------------------------------------------


def enqueue(notification) -> bool:
    """After commit: a task sends ``notification`` to the person's devices, if they have one and
    want its kind there. Costs one query for someone without a device. Never raises."""
    try:
        if not PushSubscription.objects.filter(user_id=notification.recipient_id).exists():
            return False
        if not wanted(notification.recipient_id, notification.kind):
            return False
        from .tasks import send_push

        send_push.enqueue(notification_id=notification.pk)
        return True
    except Exception:  # noqa: BLE001 - a push is extra: the notification is stored and shown
        log.exception("push: could not enqueue notification %s", notification.pk)
        return False


def payload(notification) -> dict:
    """What the service worker shows (static/notifications/sw.js): title, body, where a tap
    leads (the notification's page, which marks it read), a tag that replaces a repeat."""
    if notification.organisation_id:
        from django.urls import reverse

        url = reverse("notifications:open", kwargs={"org": notification.organisation.slug, "pk": notification.pk})
    else:
        url = notification.url if notification.url.startswith("/") and not notification.url.startswith("//") else "/"
    body = notification.body if len(notification.body) <= BODY_CHARS else notification.body[: BODY_CHARS - 1] + "…"
    return {"title": notification.title, "body": body, "url": url, "tag": f"maillon-{notification.pk}"}


class _NoRedirects(requests.Session):
    """A push service answers; it never sends us elsewhere (a redirect is a failure)."""

    max_redirects = 0


def send(subscription: PushSubscription, data: dict) -> bool:
    """Encrypt ``data`` to one device and POST it. True when the push service took it; a gone
    subscription is deleted; other failures are logged."""
    from pywebpush import WebPushException, webpush

    if not accepted_endpoint(subscription.endpoint):  # the list of services changed since
        log.warning("push: endpoint of subscription %s is not an accepted push service", subscription.pk)
        return False
    try:
        with _NoRedirects() as session:
            webpush(subscription.info(), json.dumps(data, ensure_ascii=False), vapid_private_key=vapid(),
                    vapid_claims={"sub": subject()}, timeout=TIMEOUT, ttl=TTL, requests_session=session,
                    headers={"Urgency": "high"})
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in GONE:
            subscription.delete()
            log.info("push: subscription %s is gone (%s), deleted", subscription.pk, status)
        else:
            log.warning("push: subscription %s refused (%s)", subscription.pk, status)
        return False
    except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, bad keys: logged, never raised
        log.warning("push: subscription %s failed: %s", subscription.pk, type(exc).__name__)
        return False
    PushSubscription.objects.filter(pk=subscription.pk).update(last_used_at=timezone.now())
    return True


def send_notification(notification_id: int) -> int:
    """Send one notification to each of its recipient's devices; how many took it."""
    from .models import Notification

    notification = Notification.objects.select_related("organisation").filter(pk=notification_id).first()
    if notification is None:
        return 0
    data = payload(notification)
    return sum(send(s, data) for s in PushSubscription.objects.for_user(notification.recipient_id))
