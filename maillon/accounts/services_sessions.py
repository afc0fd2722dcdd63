"""A person's open sessions (« Mes appareils connectés »): list them, end one, end all the others,
and tell the person when a new device logs in.

The sessions are allauth's ``usersessions`` rows (one per session: address, user agent, start,
last seen), created by allauth when its login flow ends (MFA included: the only way a session
opens, see ``sessions.py``). allauth's own activity tracking would write on every request;
``SessionActivityMiddleware`` writes « last seen » at most once every ``SEEN_EVERY`` seconds
instead, and only for sessions opened since this was installed (``SEEN_KEY`` in the session).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.usersessions.internal.flows.sessions import end_sessions
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth import SESSION_KEY as AUTH_USER_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillon.audit.services import record

from .devices import Device
from .models import KnownDevice
from .sessions import SESSION_KEY as OPENED_BY_KEY

SEEN_KEY = "maillon.seen"  # when this session's « last seen » was last written (epoch seconds)
SEEN_EVERY = 300
NEW_DEVICE_KIND = "accounts.new_device"
DB_ENGINES = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db", "maillon.core.session_store"}
KEEP_DEVICES = timedelta(days=365)


@dataclass(frozen=True)
class OpenSession:
    pk: int
    device: Device
    started: datetime
    last_seen: datetime
    current: bool


def client_ip(request) -> str:
    """allauth's reading of the client's address (ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy)."""
    try:
        return get_account_adapter(request).get_client_ip(request)
    except Exception:  # noqa: BLE001 - allauth refuses a request without an address
        return ""


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[: UserSession._meta.get_field("user_agent").max_length]


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _belongs_to(data: dict, user) -> bool:
    """A live session of ``user``: their id, opened by allauth, and their password's hash (a
    password change ends the other sessions)."""
    return (
        data.get(AUTH_USER_KEY) == str(user.pk)
        and data.get(OPENED_BY_KEY) == str(user.pk)
        and constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
    )


def _live_keys(user, keys: list[str] | None) -> set[str]:
    """Which of ``keys`` (None: any key) are live sessions of ``user``. One query on the session
    table (database-backed engines, the only ones the settings use)."""
    store = _store()()
    sessions = Session.objects.filter(expire_date__gt=timezone.now())
    if keys is not None:
        sessions = sessions.filter(session_key__in=keys)
    return {key for key, data in sessions.values_list("session_key", "session_data").iterator()
            if _belongs_to(store.decode(data), user)}


def open_sessions(request) -> list[OpenSession]:
    """The person's open sessions, this one first, then by last activity. Rows of sessions that
    ended (logout, expiry, password change) are deleted on the way. Three queries at most."""
    user, current = request.user, request.session.session_key
    rows = list(UserSession.objects.filter(user_id=user.pk).order_by("-last_seen_at", "-pk"))
    if settings.SESSION_ENGINE in DB_ENGINES:
        live = _live_keys(user, [row.session_key for row in rows])
        ended = [row.pk for row in rows if row.session_key not in live and row.session_key != current]
        if ended:
            UserSession.objects.filter(pk__in=ended).delete()
        rows = [row for row in rows if row.pk not in ended]
    else:
        rows = sorted(UserSession.objects.purge_and_list(user), key=lambda row: row.last_seen_at, reverse=True)
    found = [OpenSession(row.pk, Device.of(row.user_agent, row.ip), row.created_at, row.last_seen_at, row.session_key == current)
             for row in rows]
    return sorted(found, key=lambda s: not s.current)


def sessions_of(user):
    """The rows a person may act on: their own, never another's (views look ids up in this)."""
    return UserSession.objects.filter(user_id=user.pk)


def end_session(request, row: UserSession) -> bool:
    """End one of the person's sessions (audited). True when it was this one: the person is
    then logged out."""
    device = Device.of(row.user_agent, row.ip)
    current = row.session_key == request.session.session_key
    record("accounts.session_ended", actor=request.user, request=request,
           data={"device": device.label, "place": device.place, "started": row.created_at.isoformat(), "current": current})
    end_sessions(request, [row])  # allauth: deletes the session from the store, logs out if current
    return current


def end_other_sessions(request) -> int:
    """End every session of the person but this one (audited): the listed ones, and any other
    live session of theirs the list does not know (opened before sessions were listed)."""
    user, current = request.user, request.session.session_key
    rows = list(sessions_of(user).exclude(session_key=current))
    keys = {row.session_key for row in rows}
    if settings.SESSION_ENGINE in DB_ENGINES:
        keys |= _live_keys(user, None) - {current}
    record("accounts.sessions_ended_elsewhere", actor=user, request=request,
           data={"count": len(keys), "devices": sorted({Device.of(r.user_agent, r.ip).label for r in rows})})
    store = _store()
    for key in keys:
        store().delete(key)
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(keys)


# Activity ----------------------------------------------------------------------------------------


def track(request) -> None:
    """Write this session's « last seen » (time, address, browser) if it is older than
    SEEN_EVERY: usually nothing, read from the session without a query."""
    session = request.session
    seen = session.get(SEEN_KEY)
    if seen is None or session.get(AUTH_USER_KEY) is None:
        return
    now = time.time()
    if now - seen < SEEN_EVERY:
        return
    session[SEEN_KEY] = now
    updated = UserSession.objects.filter(session_key=session.session_key, user_id=session.get(AUTH_USER_KEY)).update(
        last_seen_at=timezone.now(), ip=client_ip(request) or "0.0.0.0", user_agent=user_agent(request))  # noqa: S104
    if not updated and request.user.is_authenticated:
        UserSession.objects.create_from_request(request)


# New devices -------------------------------------------------------------------------------------


def remember_device(user, device: Device, *, now: datetime | None = None) -> bool:
    """Note that ``user`` logged in from ``device``. True when it is new: not seen in the last
    MAILLON_NEW_DEVICE_DAYS days, and not the person's very first login."""
    now = now or timezone.now()
    mine = KnownDevice.objects.filter(user=user)
    with transaction.atomic():
        mine.filter(last_seen__lt=now - max(KEEP_DEVICES, timedelta(days=settings.MAILLON_NEW_DEVICE_DAYS))).delete()
        first_login = not mine.exists()
        known, created = KnownDevice.objects.get_or_create(user=user, browser=device.browser, system=device.system, place=device.place,
                                            defaults={"first_seen": now, "last_seen": now})
        if not created:
            recent = known.last_seen >= now - timedelta(days=settings.MAILLON_NEW_DEVICE_DAYS)
            mine.filter(pk=known.pk).update(last_seen=now)
            return not recent
    return not first_login


def on_login(request, user) -> None:
    """At the end of allauth's login flow: start tracking the session, and tell the person
    (notification: in the app, and by e-mail or push as they chose) when the device is new."""
    from maillon.notifications.services import notify

    request.session[SEEN_KEY] = time.time()
    device = Device.of(user_agent(request), client_ip(request))
    if not remember_device(user, device):
        return
    record("accounts.new_device_login", actor=user, request=request, data={"device": device.label, "place": device.place})
    when = date_format(timezone.localtime(), "l j F Y, H:i")
    notify(
        user, _("New login to your account: %(device)s") % {"device": device.label},
        body=_("%(device)s, %(place)s, on %(when)s. If it was not you, end that session in « My connected devices » "
               "and change your password.") % {"device": device.label, "place": device.place_label, "when": when},
        url=reverse("accounts:sessions"), kind=NEW_DEVICE_KIND,
    )


def on_allauth_login(sender, request, user, **kwargs) -> None:
    """allauth's ``user_logged_in`` signal (after the second factor)."""
    on_login(request, user)
