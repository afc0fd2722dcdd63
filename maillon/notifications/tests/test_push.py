"""Web Push (issue 15), for real: a push service on loopback receives the encrypted POST, the test
decrypts it with the subscription's private keys (RFC 8291, aes128gcm) and checks the payload and
the VAPID signature (RFC 8292); dead subscriptions are removed; the device list and the per-kind
switch of the settings page; the API."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from py_vapid import Vapid02

from maillon.notifications import kinds, push
from maillon.notifications.checks import vapid_keys
from maillon.notifications.models import PushPreference, PushSubscription
from maillon.notifications.services import notify

ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
URGENT = "meetings.reminder"  # pushed by default
QUIET = "meetings.task"  # the digest's: not pushed by default


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """What a browser keeps for one subscription: its ECDH key pair and auth secret."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    @property
    def p256dh(self) -> str:
        return b64url(self.key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


class PushService:
    """A push service on loopback: records each POST and answers ``status[path]`` (201 otherwise)."""

    def __init__(self):
        self.received: list[dict] = []
        self.status: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(service.status.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def vapid_key(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()).decode()
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:accueil@exemple.fr"
    return key


@pytest.fixture
def service(settings, vapid_key):
    running = PushService()
    settings.PUSH_SERVICES = [running.origin]
    yield running
    running.close()


def subscribed(user, service, browser, path="/push/abc"):
    return push.subscribe(user, endpoint=service.origin + path, p256dh=browser.p256dh, auth=b64url(browser.auth),
                          user_agent=ANDROID_CHROME)


def notify_now(capture, *args, **kwargs):
    with capture(execute=True):
        return notify(*args, **kwargs)


# ------------------------------------------------------------------ sending, for real


def test_a_notification_reaches_the_device_encrypted_and_signed(people, service, django_capture_on_commit_callbacks):
    phone = Browser()
    device = subscribed(people.owner, service, phone)
    notification = notify_now(django_capture_on_commit_callbacks, people.owner, "Réunion demain à 9 h",
                              body="Salle des fêtes, ordre du jour en ligne.", url="/essais/reunions/", organisation=people.org, kind=URGENT)

    assert len(service.received) == 1
    request = service.received[0]
    assert request["path"] == "/push/abc"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0
    assert phone.decrypt(request["body"]) == {
        "title": "Réunion demain à 9 h", "body": "Salle des fêtes, ordre du jour en ligne.",
        "url": f"/essais/notifications/{notification.pk}/", "tag": f"maillon-{notification.pk}",
    }
    # Nobody but the browser can read it: another browser's keys cannot.
    with pytest.raises(Exception):  # noqa: B017 - http_ece raises InvalidTag or ECEException
        Browser().decrypt(request["body"])
    # The VAPID header verifies with our public key, for this push service, and names us.
    authorization = headers["authorization"]
    assert Vapid02.verify(authorization)
    params = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(","))
    assert params["k"] == push.public_key()
    claims = json.loads(b64url_decode(params["t"].split(".")[1]))
    assert claims["aud"] == service.origin and claims["sub"] == "mailto:accueil@exemple.fr" and claims["exp"] > time.time()
    device.refresh_from_db()
    assert device.last_used_at is not None


def test_each_device_of_the_person_gets_it_and_nobody_elses(people, service, django_capture_on_commit_callbacks):
    phone, laptop, colleague = Browser(), Browser(), Browser()
    subscribed(people.owner, service, phone, "/push/phone")
    subscribed(people.owner, service, laptop, "/push/laptop")
    subscribed(people.colleague, service, colleague, "/push/colleague")
    notify_now(django_capture_on_commit_callbacks, people.owner, "Pour moi", organisation=people.org, kind=URGENT)
    assert sorted(r["path"] for r in service.received) == ["/push/laptop", "/push/phone"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(people, service, django_capture_on_commit_callbacks, status):
    subscribed(people.owner, service, Browser(), "/push/gone")
    kept = subscribed(people.owner, service, Browser(), "/push/alive")
    service.status["/push/gone"] = status
    notify_now(django_capture_on_commit_callbacks, people.owner, "Bonjour", organisation=people.org, kind=URGENT)
    assert list(PushSubscription.objects.filter(user=people.owner)) == [kept]


def test_a_failing_push_service_is_logged_and_never_raised(people, service, django_capture_on_commit_callbacks, caplog):
    device = subscribed(people.owner, service, Browser(), "/push/broken")
    service.status["/push/broken"] = 500
    notification = notify_now(django_capture_on_commit_callbacks, people.owner, "Bonjour", organisation=people.org, kind=URGENT)
    assert notification.pk and PushSubscription.objects.filter(pk=device.pk).exists()  # a 500 is not « gone »
    assert "refused (500)" in caplog.text
    service.close()  # nothing listens any more: connection refused
    notify_now(django_capture_on_commit_callbacks, people.owner, "Encore", organisation=people.org, kind=URGENT)
    assert "failed: ConnectionError" in caplog.text


def test_a_kind_switched_off_or_quiet_by_default_is_not_pushed(people, service, django_capture_on_commit_callbacks):
    subscribed(people.owner, service, Browser())
    assert push.set_choices(people.owner, {URGENT: False}) == 1
    notify_now(django_capture_on_commit_callbacks, people.owner, "Rappel", organisation=people.org, kind=URGENT)
    notify_now(django_capture_on_commit_callbacks, people.owner, "Tâche", organisation=people.org, kind=QUIET)
    assert service.received == []
    push.set_choices(people.owner, {QUIET: True})
    notify_now(django_capture_on_commit_callbacks, people.owner, "Tâche", organisation=people.org, kind=QUIET)
    assert len(service.received) == 1


def test_the_payload_is_short_and_an_account_notice_opens_its_own_page(people, service, django_capture_on_commit_callbacks):
    phone = Browser()
    subscribed(people.owner, service, phone)
    push.set_choices(people.owner, {})
    kinds.register("tests.push", "Essai", "", kinds.Channel.IN_APP, configurable=False, push=True)
    try:
        notify_now(django_capture_on_commit_callbacks, people.owner, "Compte", body="x" * 5000, url="https://ailleurs.example/",
                   kind="tests.push")
        notify_now(django_capture_on_commit_callbacks, people.owner, "Compte", url="/comptes/securite/", kind="tests.push")
    finally:
        del kinds.KINDS["tests.push"]
    first, second = (phone.decrypt(r["body"]) for r in service.received)
    assert len(first["body"]) == push.BODY_CHARS and first["url"] == "/"  # never a link to another site
    assert second["url"] == "/comptes/securite/"


# ------------------------------------------------------------------ devices


def test_subscribing_checks_the_push_service_and_the_keys_in_french(people, service):
    phone = Browser()
    good = {"endpoint": service.origin + "/push/1", "p256dh": phone.p256dh, "auth": b64url(phone.auth)}
    cases = [
        ({"endpoint": "http://10.0.0.1/push"}, "endpoint", "Maillon n’envoie pas de notifications à ce service."),
        ({"endpoint": "https://fcm.googleapis.com.evil.example/x"}, "endpoint", "Maillon n’envoie pas de notifications à ce service."),
        ({"endpoint": service.origin.replace("http://", "http://user:pw@") + "/x"}, "endpoint", "Maillon n’envoie pas de notifications à ce service."),
        ({"p256dh": b64url(b"\x04" + b"\x01" * 64)}, "p256dh", "La clé du navigateur n’est pas valide."),  # not on the curve
        ({"auth": "trop-court"}, "auth", "Le secret du navigateur n’est pas valide."),
    ]
    for change, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            push.subscribe(people.owner, **(good | change))
        assert exc.value.message_dict[field] == [message]
    assert not PushSubscription.objects.exists()


def test_the_browsers_push_services_are_accepted():
    for url in ("https://fcm.googleapis.com/fcm/send/abc", "https://updates.push.services.mozilla.com/wpush/v2/abc",
                "https://web.push.apple.com/QGx", "https://wns2-par02p.notify.windows.com/w/?token=abc"):
        assert push.accepted_endpoint(url), url
    for url in ("http://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com:8443/x", "https://push.apple.com.example/x",
                "https://127.0.0.1/x", "not a url", "https://[::1/"):
        assert not push.accepted_endpoint(url), url


def test_the_same_browser_subscribing_again_is_one_device_and_follows_the_last_person(people, service):
    phone = Browser()
    first = subscribed(people.owner, service, phone)
    again = subscribed(people.colleague, service, phone)
    assert first.pk == again.pk and PushSubscription.objects.get().user == people.colleague
    assert again.label == "Chrome sur Android"
    assert push.device_label(IPHONE_SAFARI) == "Safari sur iPhone" and push.device_label("") == "Navigateur inconnu"


def test_a_person_has_at_most_twenty_devices(people, service):
    for n in range(push.MAX_DEVICES):
        subscribed(people.owner, service, Browser(), f"/push/{n}")
    with pytest.raises(ValidationError) as exc:
        subscribed(people.owner, service, Browser(), "/push/one-more")
    assert "Vous avez déjà 20 appareils" in exc.value.message_dict["endpoint"][0]


# ------------------------------------------------------------------ the settings page


def test_the_settings_page_explains_lists_my_devices_and_never_asks_on_load(people, login, service, django_assert_max_num_queries):
    for n in range(5):
        subscribed(people.owner, service, Browser(), f"/push/{n}")
    subscribed(people.colleague, service, Browser(), "/push/colleague")
    client = login(people.owner)
    client.get("/essais/notifications/reglages/")
    with django_assert_max_num_queries(12):
        page = client.get("/essais/notifications/reglages/").content.decode()
    assert "Notifications sur mon téléphone" in page and "Activer sur cet appareil" in page
    assert page.count('<p class="row-primary">Chrome sur Android') == 5 and page.count(">Retirer<") == 5
    assert f'data-key="{push.public_key()}"' in page and 'src="/static/notifications/push.js"' in page
    assert page.count('type="checkbox" name="push"') == len(kinds.configurable())
    assert f'value="{URGENT}" checked' in page and f'value="{QUIET}" aria-describedby' in page
    source = Path(finders.find("notifications/push.js")).read_text()
    assert "requestPermission" in source and source.index("requestPermission") > source.index('addEventListener("click"')


def test_the_push_column_is_saved_with_the_channels(people, login):
    client = login(people.owner)
    data = {k.code: k.default for k in kinds.configurable()} | {"push": [QUIET]}
    page = client.post("/essais/notifications/reglages/", data, follow=True).content.decode()
    assert "Vos réglages de notification sont enregistrés." in page
    assert push.choices(people.owner)[QUIET] is True and push.choices(people.owner)[URGENT] is False
    assert push.wanted(people.owner, URGENT) is False
    assert set(PushPreference.objects.filter(user=people.owner).values_list("kind", flat=True)) == {
        k.code for k in kinds.configurable() if k.push} | {QUIET}


def test_removing_a_device_asks_first_and_only_mine(people, login, service):
    mine = subscribed(people.owner, service, Browser(), "/push/mine")
    theirs = subscribed(people.colleague, service, Browser(), "/push/theirs")
    client = login(people.owner)
    page = client.get(f"/essais/notifications/appareils/{mine.pk}/retirer/").content.decode()
    assert "Retirer un appareil" in page and "ne recevra plus vos notifications" in page
    assert PushSubscription.objects.filter(pk=mine.pk).exists()
    response = client.post(f"/essais/notifications/appareils/{mine.pk}/retirer/", follow=True)
    assert "« Chrome sur Android » ne reçoit plus vos notifications." in response.content.decode()
    assert not PushSubscription.objects.filter(pk=mine.pk).exists()
    assert client.get(f"/essais/notifications/appareils/{theirs.pk}/retirer/").status_code == 404
    assert client.post(f"/essais/notifications/appareils/{theirs.pk}/retirer/").status_code == 404
    assert client.get(f"/autre/notifications/appareils/{theirs.pk}/retirer/").status_code == 404
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()


# ------------------------------------------------------------------ API


def test_the_api_subscribes_lists_and_removes_my_devices(people, login, service):
    client = login(people.owner)
    phone = Browser()
    key = client.get("/api/v1/notifications/push/key").json()["public_key"]
    assert key == push.public_key() and len(b64url_decode(key)) == 65
    body = {"endpoint": service.origin + "/push/api", "p256dh": phone.p256dh, "auth": b64url(phone.auth)}
    response = client.post("/api/v1/notifications/push/devices", body, content_type="application/json", HTTP_USER_AGENT=IPHONE_SAFARI)
    assert response.status_code == 201 and response.json()["label"] == "Safari sur iPhone"
    device_id = response.json()["id"]
    assert [d["id"] for d in client.get("/api/v1/notifications/push/devices").json()] == [device_id]
    bad = client.post("/api/v1/notifications/push/devices", body | {"endpoint": "https://evil.example/x"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["msg"] == "Maillon n’envoie pas de notifications à ce service."

    other = login(people.colleague)
    assert other.get("/api/v1/notifications/push/devices").json() == []
    assert other.delete(f"/api/v1/notifications/push/devices/{device_id}").status_code == 404
    client = login(people.owner)
    assert client.delete(f"/api/v1/notifications/push/devices/{device_id}").status_code == 204
    assert not PushSubscription.objects.exists()


# ------------------------------------------------------------------ keys


def test_keys_are_generated_once_into_the_data_directory(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    first = push.public_key()
    assert (tmp_path / push.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert push.public_key() == first and len(b64url_decode(first)) == 65


def test_a_raw_key_from_the_environment_works_and_the_deploy_check_verifies_it(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    public = b64url(key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    settings.VAPID_PUBLIC_KEY = public
    assert push.public_key() == public
    assert vapid_keys(None) == []
    settings.VAPID_PUBLIC_KEY = b64url(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    assert [m.id for m in vapid_keys(None)] == ["maillon.E003"]
    settings.VAPID_PRIVATE_KEY = "pas une clé"
    assert [m.id for m in vapid_keys(None)] == ["maillon.E002"]
    settings.VAPID_PRIVATE_KEY = ""
    assert vapid_keys(None) == []  # the data directory's key: check --deploy stays clean


def test_kinds_push_by_default_when_they_mail_at_once():
    assert kinds.get(URGENT).push and not kinds.get(QUIET).push
    assert kinds.get("meetings.cancel").push and not kinds.get("accounts.membership").push
    spec = kinds.register("tests.default", "Essai", "", kinds.Channel.IMMEDIATE)
    try:
        assert spec.push is True
    finally:
        del kinds.KINDS["tests.default"]


def test_the_api_switches_push_per_kind(people, login):
    client = login(people.owner)
    rows = {row["kind"]: row for row in client.get("/api/v1/notifications/preferences").json()}
    assert rows[URGENT]["push"] is True and rows[QUIET]["push"] is False and rows[QUIET]["push_default"] is False
    response = client.put("/api/v1/notifications/preferences", {"push": {URGENT: False, QUIET: True}}, content_type="application/json")
    rows = {row["kind"]: row for row in response.json()}
    assert rows[URGENT]["push"] is False and rows[QUIET]["push"] is True and rows[QUIET]["channel"] == "digest"
    bad = client.put("/api/v1/notifications/preferences", {"preferences": {QUIET: "in_app"}, "push": {"inconnu": True}},
                     content_type="application/json")
    assert bad.status_code == 422 and "Type de notification inconnu." in bad.json()["detail"][0]["msg"]
    assert push.wanted(people.owner, URGENT) is False and rows[QUIET]["channel"] == "digest"
    assert kinds.get(QUIET).code not in dict(people.owner.notification_preferences.values_list("kind", "channel"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_settings_page_asks_only_on_the_tap_and_answers_in_french(browser, people, vapid_key, settings):
    """In Chromium at 390 px under the strict CSP: loading the page asks nothing; the tap asks for
    permission (granted here) and, without a push service reachable from this machine, says so."""
    settings.PUSH_SERVICES = ["https://fcm.googleapis.com"]
    push.subscribe(people.owner, endpoint="https://fcm.googleapis.com/fcm/send/telephone", p256dh=Browser().p256dh,
                   auth=b64url(os.urandom(16)), user_agent=ANDROID_CHROME)
    page = browser.phone()
    browser.force_login(page, people.owner)
    page.goto(f"{browser.url}/essais/notifications/reglages/")
    assert page.evaluate("navigator.permissions.query({name: 'notifications'}).then(p => p.state)") == "prompt"
    section = page.locator("[data-push]")
    assert section.get_by_role("heading", name="Notifications sur mon téléphone").is_visible()
    assert section.locator(".row-primary", has_text="Chrome sur Android").is_visible()
    assert not section.get_by_text("cet appareil", exact=True).is_visible()  # not this browser
    browser.screenshot(page, "push-settings-390")
    page.context.grant_permissions(["notifications"])
    section.get_by_role("button", name="Activer sur cet appareil").click()
    status = section.locator("[data-push-status]")
    status.filter(has_text="pas pu être activé").wait_for(timeout=20000)
    assert section.get_by_role("button", name="Activer sur cet appareil").is_enabled()
    page.get_by_role("link", name="Retirer Chrome sur Android").click()
    page.get_by_role("button", name="Retirer cet appareil").click()
    assert page.get_by_text("« Chrome sur Android » ne reçoit plus vos notifications.").is_visible()
    assert not PushSubscription.objects.exists()
    # Chromium's own notice in a private window (the fixture's contexts), not an error of the page.
    browser.problems[:] = [p for p in browser.problems if "does not support the Push API in incognito" not in p]
    browser.assert_clean()


@given(host=st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,12}){0,4}", fullmatch=True) | st.sampled_from(
           ["fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com", "push.apple.com", "db5.notify.windows.com",
            "fcm.googleapis.com.evil.example", "evilpush.apple.com", "localhost", "127.0.0.1"]),
       scheme=st.sampled_from(["http", "https", "ftp"]), port=st.sampled_from(["", ":443", ":8443", ":80"]))
def test_only_the_browsers_push_services_are_ever_posted_to(host, scheme, port):
    expected = (scheme == "https" and port in ("", ":443")
                and (host == "fcm.googleapis.com" or host.endswith((".push.services.mozilla.com", ".push.apple.com", ".notify.windows.com"))))
    assert push.accepted_endpoint(f"{scheme}://{host}{port}/push/abc") is expected
