"""Every way in goes through allauth (MFA, rate limits): issue 12, item 1.

Wagtail's leftover ``/_util/login/`` (a plain Django ``LoginView``) gave a full session to an
account with MFA from its password alone, without rate limits. These tests list every URL of the
resolver whose view is a login view or takes a password, and fail if one is not allauth's (or a
reviewed Maillon view listed below); then they try the known leftovers as an attacker would.
"""

import inspect
import re

import pytest
from django.contrib.auth import views as django_auth_views
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from maillon.accounts.sessions import SESSION_KEY
from maillon.testing import TEST_PASSWORD

# Maillon views that take a password, each reviewed: the signing step re-checks the password of
# a person already logged in through allauth, with allauth's rate limiter (accounts/signing.py).
REVIEWED_PASSWORD_VIEWS = {
    "maillon.procedures.views.decide": "signed decision: re-authentication, rate-limited",
    "maillon.accounts.views_members.invite": "invitation: sets no password (reviewed, sends a link)",
    "maillon.accounts.views_members.member": "member page: shows MFA state, takes no password",
    "maillon.competencies.views_logbook.validate": "signed validation of a competency: the signing step's re-authentication, "
                                                   "rate-limited (accounts/signing.py), as for procedures",
    "maillon.spaces.views.accept": "space invitation: behind a single-use token sent to the address, sets that new account's "
                                   "first password through AUTH_PASSWORD_VALIDATORS, never logs in (allauth's login follows)",
    "maillon.citizens.views.login": "a citizen's sign-in by e-mail: takes no password, sends a single-use signed link "
                                    "(rate-limited, honeypot); the citizen is a session key, never a User nor a Django login",
}
# Our redirect that shadows the admins' login forms (the others are plain RedirectViews).
SHADOWS = {"maillon.core.views.login_redirect"}
PASSWORD_WORDS = re.compile(r"password|login\(|authenticate\(", re.I)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _target(pattern):
    callback = getattr(pattern, "callback", None) or pattern.func  # a URLPattern or a ResolverMatch
    return getattr(callback, "view_class", None) or getattr(callback, "func", callback)


def _dotted(target) -> str:
    return f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', getattr(target, '__name__', ''))}"


def _takes_a_password(target) -> bool:
    """A login view by class, or a view whose code speaks of passwords or logs people in."""
    if inspect.isclass(target) and issubclass(target, django_auth_views.LoginView | django_auth_views.PasswordContextMixin):
        return True
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError):
        return False
    return bool(PASSWORD_WORDS.search(source))


SAMPLES = {"int": "1", "slug": "essais", "str": "x", "path": "x/y", "uuid": "00000000-0000-0000-0000-000000000000"}


def _sample_url(route: str) -> str | None:
    """A URL this route matches, to see which view answers it; None for regular expressions."""
    if "(" in route or "\\" in route:
        return None
    url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)
    return "/" + url.replace("^", "").replace("$", "")


def _mounted_routes():
    """The patterns that answer: one shadowed by an earlier pattern (our redirects placed before
    a library's include) never does."""
    for route, pattern in _walk(get_resolver().url_patterns):
        url = _sample_url(route)
        if url is not None:
            try:
                answering = resolve(url)
            except Resolver404:
                continue
            if _target(answering) is not _target(pattern):
                continue
        yield route, pattern


def test_every_login_or_password_view_is_allauths_or_reviewed():
    offenders = []
    checked = 0
    for route, pattern in _mounted_routes():
        target = _target(pattern)
        if not _takes_a_password(target):
            continue
        checked += 1
        name = _dotted(target)
        if name.startswith("allauth.") or name in SHADOWS or name in REVIEWED_PASSWORD_VIEWS:
            continue
        if route.startswith("cms/") and _is_wagtail_view_without_password_field(target):
            continue
        offenders.append(f"{route} → {name}")
    assert checked > 10  # allauth's own forms are found: the walk sees the whole resolver
    assert offenders == []


def _is_wagtail_view_without_password_field(target) -> bool:
    """Wagtail's account and user forms mention passwords but show none while
    WAGTAIL_PASSWORD_MANAGEMENT_ENABLED / WAGTAILUSERS_PASSWORD_ENABLED are off (checked by
    rendering them in ``test_no_page_but_allauths_shows_a_password_field``)."""
    return _dotted(target) in {
        "wagtail.admin.views.account.AccountView",
        "wagtail.users.views.users.EditView",
        "wagtail.users.views.users.CreateView",
    }


def _concrete(route: str, org_slug: str) -> str | None:
    """A URL for ``route`` when it has no argument but the organisation, else None."""
    route = route.replace("<slug:org>", org_slug)
    return None if "<" in route else _sample_url(route)


@pytest.mark.django_db
def test_no_page_but_allauths_shows_a_password_field(people):
    client = Client(raise_request_exception=False)  # a library's page that fails is not our point
    people.owner.is_superuser = True  # sees every admin page, Wagtail's and Django's
    people.owner.is_staff = True
    people.owner.save()
    shown = []
    for who in (None, people.owner):
        if who is not None:
            client.force_login(who)
        for route, pattern in _mounted_routes():
            url = _concrete(route, people.org.slug)
            if url is None or url.startswith(("/comptes/", "/api/")):
                continue
            response = client.get(url)
            if response.status_code == 200 and b'type="password"' in response.content:
                name = _dotted(_target(pattern))
                if name not in REVIEWED_PASSWORD_VIEWS:
                    shown.append(f"{url} ({name})")
    assert shown == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/_util/login/",
    "/_util/authenticate_with_password/1/1/",
    "/documents/authenticate_with_password/1/",
])
def test_wagtails_leftover_forms_are_not_mounted(people, client, url):
    response = client.post(url, {"username": "proprietaire", "password": TEST_PASSWORD, "next": "/"})
    assert response.status_code == 404
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "lands_on"), [
    ("/cms/login/", "/comptes/login/"),
    ("/django-admin/login/", "/comptes/login/"),
    ("/cms/password_reset/", "/comptes/password/reset/"),
    ("/cms/password_reset/confirm/MQ/set-password/", "/comptes/password/reset/"),
])
def test_the_admins_login_and_reset_forms_lead_to_allauth(people, client, url, lands_on):
    response = client.post(url, {"username": "proprietaire", "password": TEST_PASSWORD,
                                 "new_password1": "x", "new_password2": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(lands_on)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_django_admins_password_change_leads_to_allauths(people, login):
    client = login(people.owner)
    response = client.post("/django-admin/password_change/", {"old_password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/comptes/password/change/"


@pytest.mark.django_db
def test_a_session_allauth_did_not_open_is_closed_on_its_first_request(people, client):
    """Defence in depth: a session some other login form opened (no MFA) cannot be used,
    not even to create an API token."""
    client.force_login(people.owner)
    session = client.session
    del session[SESSION_KEY]
    session.save()

    response = client.get(f"/{people.org.slug}/tableau-de-bord/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")
    assert "_auth_user_id" not in client.session
    assert client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json").status_code == 401


@pytest.mark.django_db
def test_a_session_opened_by_allauths_login_form_works(people, client):
    response = client.post("/comptes/login/", {"login": "proprietaire", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(f"/{people.org.slug}/tableau-de-bord/").status_code == 200
    assert client.session[SESSION_KEY] == str(people.owner.pk)


@pytest.mark.django_db
def test_a_plain_get_of_wagtails_logout_does_not_log_out(people, login):
    """Another site could otherwise log people out with an image pointing there."""
    people.owner.is_superuser = True  # reaches every /cms/ view, as an editor does
    people.owner.save()
    client = login(people.owner)
    response = client.get("/cms/logout/")
    assert response.status_code == 302 and response["Location"] == "/comptes/logout/"
    assert client.get("/comptes/logout/").status_code == 200  # allauth asks to confirm
    assert "_auth_user_id" in client.session
