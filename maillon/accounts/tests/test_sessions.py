"""« Mes appareils connectés »: the list of one's sessions, ending one or all the others, the
notification of a new device, and what an attacker can (not) do with these pages."""

from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from maillon.accounts import devices, services_sessions
from maillon.accounts.models import KnownDevice
from maillon.audit.models import AuditEntry
from maillon.notifications.models import Notification
from maillon.testing import TEST_PASSWORD

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/18.1 Mobile/15E148 Safari/604.1")
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")
EDGE_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")
SAFARI_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/18.1 Safari/605.1.15")
SESSIONS = "/comptes/securite/appareils/"
OTHERS = "/comptes/securite/appareils/deconnecter-ailleurs/"


def real_login(user, *, agent=FIREFOX_WINDOWS, ip="192.168.1.20") -> Client:
    """A browser that logs in through allauth's form (the only way a session opens)."""
    browser = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = browser.post("/comptes/login/", {"login": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return browser


def end_url(row) -> str:
    return f"/comptes/securite/appareils/{row.pk}/deconnecter/"


def is_logged_in(browser) -> bool:
    return browser.get(SESSIONS).status_code == 200


# Words for a device --------------------------------------------------------------------------------


@pytest.mark.parametrize(("agent", "label"), [
    (FIREFOX_WINDOWS, "Firefox sur Windows"),
    (SAFARI_IPHONE, "Safari sur iPhone"),
    (CHROME_ANDROID, "Chrome sur Android"),
    (EDGE_WINDOWS, "Edge sur Windows"),
    (SAFARI_MAC, "Safari sur macOS"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox sur Linux"),
    ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1",
     "Chrome sur iPad"),
    ("curl/8.5.0", "Navigateur inconnu"),
    ("", "Navigateur inconnu"),
])
def test_a_device_is_named_in_french_words(agent, label):
    assert devices.Device.of(agent, "10.0.0.1").label == label


@pytest.mark.parametrize(("ip", "prefix"), [
    ("192.168.1.20", "192.168.1.x"),
    ("86.245.3.250", "86.245.3.x"),
    ("2a01:cb00:1234:5678::1", "2a01:cb00::/32"),
    ("::ffff:192.0.2.7", "192.0.2.x"),
    ("not an address", ""),
    (None, ""),
])
def test_a_place_is_the_network_prefix_never_the_address(ip, prefix):
    assert devices.place(ip) == prefix


@given(st.ip_addresses())
def test_the_prefix_never_holds_the_whole_address(address):
    prefix = devices.place(str(address))
    assert prefix
    if address.version == 4 or getattr(address, "ipv4_mapped", None):
        assert prefix.endswith(".x") and prefix.count(".") == 3
    else:
        assert prefix.endswith("/32")
    # Two addresses of one network share the prefix.
    assert devices.place(str(address)) == prefix


# The list ------------------------------------------------------------------------------------------


def test_my_sessions_are_listed_with_device_place_and_this_device(people):
    phone = real_login(people.owner, agent=SAFARI_IPHONE, ip="2a01:cb00:1:2::9")
    desk = real_login(people.owner, agent=FIREFOX_WINDOWS, ip="192.168.1.20")
    real_login(people.colleague, agent=CHROME_ANDROID, ip="10.9.8.7")
    page = desk.get(SESSIONS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mes appareils connectés" in html
    assert "Firefox sur Windows" in html and "adresse 192.168.1.x" in html and "cet appareil" in html
    assert "Safari sur iPhone" in html and "adresse 2a01:cb00::/32" in html
    assert "Chrome sur Android" not in html and "10.9.8" not in html  # a colleague's session
    assert "192.168.1.20" not in html  # never the full address
    assert html.count("cet appareil") == 1
    assert phone.get(SESSIONS).content.decode().count("cet appareil") == 1


def test_the_list_costs_the_same_queries_with_one_or_eight_sessions(people, django_assert_max_num_queries):
    desk = real_login(people.owner)
    desk.get(SESSIONS)
    with django_assert_max_num_queries(12) as one:
        desk.get(SESSIONS)
    for n in range(7):
        real_login(people.owner, ip=f"10.0.{n}.1")
    desk.get(SESSIONS)  # warm (a purge of ended rows would be one more query)
    with django_assert_max_num_queries(12) as eight:
        assert desk.get(SESSIONS).content.decode().count('<td data-label="Appareil">') == 8
    assert len(eight.captured_queries) == len(one.captured_queries)


def test_sessions_that_ended_are_left_out_and_forgotten(people):
    desk = real_login(people.owner)
    laptop = real_login(people.owner, agent=SAFARI_MAC)
    laptop.post("/comptes/logout/")
    assert "Safari sur macOS" not in desk.get(SESSIONS).content.decode()
    assert UserSession.objects.filter(user=people.owner).count() == 1


def test_the_security_page_links_to_the_list(people):
    assert SESSIONS in real_login(people.owner).get("/comptes/securite/").content.decode()


def test_allauths_own_list_leads_to_ours_and_its_form_ends_nothing(people, client):
    desk = real_login(people.owner)
    phone = real_login(people.owner, agent=SAFARI_IPHONE)
    response = desk.get("/comptes/sessions/")
    assert response.status_code in {301, 302} and response["Location"] == SESSIONS
    assert desk.post("/comptes/sessions/").status_code in {301, 302}  # allauth's « sign out the others » is not mounted
    assert is_logged_in(phone)
    assert client.get("/comptes/sessions/", follow=True).redirect_chain[-1][0].startswith("/comptes/login/")


# Ending sessions --------------------------------------------------------------------------------


def test_logging_out_one_device_after_confirmation(people):
    desk = real_login(people.owner)
    phone = real_login(people.owner, agent=SAFARI_IPHONE, ip="192.168.1.30")
    row = UserSession.objects.get(user=people.owner, user_agent=SAFARI_IPHONE)
    confirm = desk.get(end_url(row))
    assert confirm.status_code == 200 and "Safari sur iPhone" in confirm.content.decode()
    assert is_logged_in(phone)  # a GET changes nothing
    response = desk.post(end_url(row), follow=True)
    assert "« Safari sur iPhone » est déconnecté." in response.content.decode()
    assert not is_logged_in(phone) and is_logged_in(desk)
    assert not Session.objects.filter(session_key=row.session_key).exists()
    entry = AuditEntry.objects.get(action="accounts.session_ended")
    assert entry.actor == people.owner and entry.data["device"] == "Safari sur iPhone" and entry.data["place"] == "192.168.1.x"


def test_logging_out_this_device_logs_me_out(people):
    desk = real_login(people.owner)
    row = UserSession.objects.get(user=people.owner)
    assert "vous serez déconnecté" in desk.get(end_url(row)).content.decode().lower()
    response = desk.post(end_url(row))
    assert response.status_code == 302 and response["Location"] == "/comptes/login/"
    assert not is_logged_in(desk)


def test_logging_out_everywhere_else(people):
    desk = real_login(people.owner)
    others = [real_login(people.owner, agent=agent, ip=ip)
              for agent, ip in ((SAFARI_IPHONE, "2a01:cb00::5"), (CHROME_ANDROID, "10.1.2.3"))]
    colleague = real_login(people.colleague)
    assert desk.get(OTHERS).status_code == 200
    assert all(is_logged_in(b) for b in others)  # the confirmation page changes nothing
    response = desk.post(OTHERS, follow=True)
    assert "2 autres sessions sont déconnectées." in response.content.decode()
    assert is_logged_in(desk) and is_logged_in(colleague)
    assert not any(is_logged_in(b) for b in others)
    assert UserSession.objects.filter(user=people.owner).count() == 1
    entry = AuditEntry.objects.get(action="accounts.sessions_ended_elsewhere")
    assert entry.data["count"] == 2 and entry.actor == people.owner


def test_everywhere_else_also_ends_a_session_the_list_does_not_know(people, client):
    """Sessions opened before the list existed (here: force_login, as allauth without the list)."""
    client.force_login(people.owner)
    desk = real_login(people.owner)
    assert is_logged_in(client)
    desk.post(OTHERS)
    assert not is_logged_in(client) and is_logged_in(desk)


# New device --------------------------------------------------------------------------------------


def new_device_notes(user):
    return Notification.objects.filter(recipient=user, kind=services_sessions.NEW_DEVICE_KIND)


def test_a_new_device_is_notified_with_a_link_to_the_list_but_not_the_first_login(
        people, mailoutbox, django_capture_on_commit_callbacks):
    real_login(people.owner, agent=FIREFOX_WINDOWS, ip="192.168.1.20")
    assert not new_device_notes(people.owner).exists()  # the very first login
    real_login(people.owner, agent=FIREFOX_WINDOWS, ip="192.168.1.77")  # same browser, same network
    assert not new_device_notes(people.owner).exists()
    with django_capture_on_commit_callbacks(execute=True):
        real_login(people.owner, agent=SAFARI_IPHONE, ip="2a01:cb00:9::1")
    note = new_device_notes(people.owner).get()
    assert note.title == "Nouvelle connexion à votre compte : Safari sur iPhone"
    assert "adresse 2a01:cb00::/32" in note.body and note.url == SESSIONS
    assert note.organisation is None
    mail = [m for m in mailoutbox if "Safari sur iPhone" in m.subject]
    assert mail and SESSIONS in mail[0].body  # an e-mail at once: the kind's default
    assert AuditEntry.objects.filter(action="accounts.new_device_login", actor=people.owner).count() == 1


def test_the_same_device_on_another_network_is_new(people):
    real_login(people.owner, ip="192.168.1.20")
    real_login(people.owner, ip="86.245.3.9")
    assert new_device_notes(people.owner).count() == 1


def test_a_device_not_seen_for_longer_than_the_setting_is_new_again(people, settings):
    settings.MAILLON_NEW_DEVICE_DAYS = 30
    home = devices.Device("Firefox", "Windows", "192.168.1.x")
    now = timezone.now()
    assert services_sessions.remember_device(people.owner, home, now=now - timedelta(days=100)) is False  # first ever
    assert services_sessions.remember_device(people.owner, home, now=now - timedelta(days=60)) is True  # 40 days later
    assert services_sessions.remember_device(people.owner, home, now=now - timedelta(days=50)) is False  # 10 days later
    assert services_sessions.remember_device(people.owner, home, now=now) is True
    assert KnownDevice.objects.filter(user=people.owner).count() == 1


def test_a_person_chooses_how_the_new_device_notice_reaches_them(people, mailoutbox, django_capture_on_commit_callbacks):
    from maillon.notifications.services import set_preferences

    set_preferences(people.owner, {services_sessions.NEW_DEVICE_KIND: "in_app"})
    real_login(people.owner)
    with django_capture_on_commit_callbacks(execute=True):
        real_login(people.owner, agent=SAFARI_IPHONE)
    assert new_device_notes(people.owner).count() == 1
    assert not [m for m in mailoutbox if "Safari sur iPhone" in m.subject]


# « Last seen » -----------------------------------------------------------------------------------


def test_last_seen_is_written_at_most_every_five_minutes(people, django_assert_num_queries, monkeypatch):
    desk = real_login(people.owner)
    row = UserSession.objects.get(user=people.owner)
    before = row.last_seen_at
    desk.get(SESSIONS)
    assert UserSession.objects.get(pk=row.pk).last_seen_at == before
    clock = services_sessions.time.time() + services_sessions.SEEN_EVERY + 1
    monkeypatch.setattr(services_sessions.time, "time", lambda: clock)
    desk.get(SESSIONS, REMOTE_ADDR="192.168.1.99")
    assert UserSession.objects.get(pk=row.pk).last_seen_at > before
    assert UserSession.objects.get(pk=row.pk).ip == "192.168.1.99"


def test_a_session_opened_otherwise_costs_no_query_for_tracking(people, client):
    """force_login (the tests', or a session from before the list) is not tracked: no write."""
    client.force_login(people.owner)
    client.get(SESSIONS)
    assert not UserSession.objects.filter(user=people.owner).exists()


# As an attacker ----------------------------------------------------------------------------------


def test_another_persons_session_id_is_a_404_and_ends_nothing(people):
    victim = real_login(people.colleague, agent=SAFARI_IPHONE)
    row = UserSession.objects.get(user=people.colleague)
    attacker = real_login(people.owner)
    assert attacker.get(end_url(row)).status_code == 404
    assert attacker.post(end_url(row)).status_code == 404
    assert is_logged_in(victim)
    assert not AuditEntry.objects.filter(action="accounts.session_ended").exists()


def test_another_organisations_member_cannot_end_my_session_either(people):
    victim = real_login(people.owner)
    row = UserSession.objects.get(user=people.owner)
    attacker = real_login(people.outsider)
    assert attacker.post(end_url(row)).status_code == 404
    attacker.post(OTHERS)
    assert is_logged_in(victim)


def test_ending_sessions_needs_the_csrf_token(people):
    desk = real_login(people.owner)
    phone = real_login(people.owner, agent=SAFARI_IPHONE)
    row = UserSession.objects.get(user=people.owner, user_agent=SAFARI_IPHONE)
    forged = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=FIREFOX_WINDOWS)
    forged.cookies = desk.cookies  # the victim's cookie, sent by another site's form
    assert forged.post(end_url(row)).status_code == 403
    assert forged.post(OTHERS).status_code == 403
    assert is_logged_in(phone)


@pytest.mark.parametrize("url", [SESSIONS, OTHERS, "/comptes/securite/appareils/1/deconnecter/"])
def test_a_logged_out_visitor_is_sent_to_the_login_page(client, db, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")
