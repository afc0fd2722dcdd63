"""The daily digest: one e-mail a morning per person, listing the notifications of the kinds
they get « by daily digest » that they have not read yet, grouped by kind.

Run twice the same day (two workers, a retry), it sends one e-mail per person: the e-mail is
keyed by person and day (core/idempotency.run_once, through delivery.send), and what a second
run finds after the day's e-mail went out waits for the next day's. A notification read in
the app before the digest is not listed again (the person has seen it); it is marked digested
all the same.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from maillon.core import links

from . import delivery, kinds
from .kinds import Channel
from .models import Notification


def pending():
    """Digest notifications not listed yet, each person's together, oldest first."""
    return (Notification.objects.filter(delivery=Channel.DIGEST, digested_at__isnull=True)
            .select_related("recipient", "organisation").order_by("recipient_id", "created_at", "id"))


def send_digests(now: datetime | None = None) -> int:
    """Send the day's digests; returns how many e-mails left."""
    now = now or timezone.now()
    day = timezone.localtime(now).date().isoformat()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for _user_id, items in groupby(pending().filter(created_at__lte=now).iterator(chunk_size=500), key=lambda n: n.recipient_id):
            sent += _digest_one(list(items), day=day, now=now)
    return sent


def _digest_one(items: list[Notification], *, day: str, now: datetime) -> int:
    user = items[0].recipient
    unread = [n for n in items if n.read_at is None]
    if unread and user.email and user.is_active:
        message = EmailMessage(subject=_subject(len(unread)), body=_body(user, unread), to=[user.email])
        if not delivery.send(message, key=f"digest:{user.pk}:{day}"):
            return 0  # today's digest already left: these wait for tomorrow's
        Notification.objects.filter(pk__in=[n.pk for n in unread]).update(emailed_at=now)
        sent = 1
    else:
        sent = 0
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(digested_at=now)
    return sent


def _subject(count: int) -> str:
    return "[Maillon] " + ngettext("Your daily digest: %(count)s notification", "Your daily digest: %(count)s notifications",
                                   count) % {"count": count}


def _body(user, unread: list[Notification]) -> str:
    order = {code: i for i, code in enumerate(kinds.KINDS)}
    by_kind = sorted(unread, key=lambda n: (order.get(n.kind, len(order)), n.created_at))
    groups = [{"label": kinds.KINDS[code].label if code in kinds.KINDS else kinds.KINDS[kinds.OTHER].label,
               "items": [{"n": n, "link": links.absolute(n.url) if n.url else ""} for n in group]}
              for code, group in groupby(by_kind, key=lambda n: n.kind)]
    several = len({n.organisation_id for n in unread}) > 1
    slug = next((n.organisation.slug for n in unread if n.organisation_id), None)
    settings_link = links.absolute(reverse("notifications:preferences", kwargs={"org": slug})) if slug else ""
    return render_to_string("notifications/digest.txt", {"user": user, "groups": groups, "several": several,
                                                         "settings_link": settings_link})
