"""The feed's digest e-mail: what is new in a person's spaces, daily or weekly, as each member
chose per space (FeedDigest).

One e-mail per person and period. Before anything is sent the run claims the (person,
frequency, period) row of DigestRun: a second run of the same period (another worker, a retry,
the job run by hand) fails to insert it and sends nothing; the e-mail itself is also keyed
(delivery.send), so a retry after a crash in the middle does not send it twice. Each choice
remembers the end of the period its last digest covered: the next one lists what came after,
never the same post twice. A space the person left (or that their organisation left) is no
longer in Space.objects.visible_to(them): nothing of it is listed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.core import links
from maillon.notifications import delivery

from .feed_services import feed_url, post_url
from .models import Comment, DigestRun, FeedDigest, Frequency, Post, Space

LENGTH = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
MAX_ITEMS = 30  # per space in one e-mail; the rest: « and N more » with the feed's link


def period_key(frequency: str, now: datetime) -> str:
    local = timezone.localtime(now)
    if frequency == Frequency.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.strftime("%Y-%m-%d")


def send_digests(frequency: str, now: datetime | None = None) -> int:
    """Send this period's digests of ``frequency``; returns how many e-mails left."""
    if frequency not in LENGTH:
        raise ValueError(frequency)
    now = now or timezone.now()
    period = period_key(frequency, now)
    user_ids = (FeedDigest.objects.filter(frequency=frequency, user__is_active=True)
                .values_list("user_id", flat=True).distinct().order_by("user_id"))
    users = get_user_model().objects.in_bulk(list(user_ids))
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in users.values():
            sent += digest_one(user, frequency, period, now)
    return sent


def _claim(user, frequency: str, period: str):
    try:
        with transaction.atomic():
            return DigestRun.objects.create(user=user, frequency=frequency, period=period)
    except IntegrityError:
        return None


def digest_one(user, frequency: str, period: str, now: datetime) -> int:
    run = _claim(user, frequency, period)
    if run is None:
        return 0  # this period's digest was already made
    choices = list(FeedDigest.objects.filter(user=user, frequency=frequency).select_related("space"))
    visible = set(Space.objects.visible_to(user).filter(pk__in=[c.space_id for c in choices]).values_list("pk", flat=True))
    sections = []
    for choice in choices:
        if choice.space_id not in visible:
            continue  # left the space: nothing of it, ever
        since = choice.last_sent_at or max(choice.chosen_at, now - LENGTH[frequency])
        section = _section(choice.space, user, since, now)
        if section["count"]:
            sections.append(section)
    FeedDigest.objects.filter(pk__in=[c.pk for c in choices if c.space_id in visible]).update(last_sent_at=now)
    count = sum(s["count"] for s in sections)
    DigestRun.objects.filter(pk=run.pk).update(items=count)
    if not count or not user.email:
        return 0
    subject = "[Maillon] " + ngettext("New in your spaces: %(count)s message", "New in your spaces: %(count)s messages",
                                      count) % {"count": count}
    body = render_to_string("spaces/feed_digest_email.txt", {"user": user, "sections": sections, "frequency": frequency})
    return delivery.send(EmailMessage(subject=subject, body=body, to=[user.email]), key=f"spaces-digest:{user.pk}:{frequency}:{period}")


def _section(space: Space, user, since: datetime, now: datetime) -> dict:
    posts = list(Post.objects.filter(space=space, created_at__gt=since, created_at__lte=now).exclude(author=user)
                 .select_related("author").order_by("created_at", "pk")[:MAX_ITEMS + 1])
    comments = list(Comment.objects.filter(post__space=space, created_at__gt=since, created_at__lte=now).exclude(author=user)
                    .select_related("author", "post").order_by("created_at", "pk")[:MAX_ITEMS + 1])
    items = [{"when": p.created_at, "what": _("Post by %(person)s") % {"person": _name(p.author)},
              "text": _excerpt(p.html), "link": links.absolute(post_url(p, space))} for p in posts]
    items += [{"when": c.created_at, "what": _("Comment by %(person)s on « %(post)s »") % {
        "person": _name(c.author), "post": _excerpt(c.post.html, 60)},
        "text": _excerpt(c.html), "link": links.absolute(post_url(c.post, space))} for c in comments]
    items.sort(key=lambda item: item["when"])
    return {"space": space, "items": items[:MAX_ITEMS], "more": max(0, len(items) - MAX_ITEMS), "count": len(items),
            "link": links.absolute(feed_url(space))}


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else _("a former member")


def _excerpt(html: str, length: int = 200) -> str:
    text = " ".join(strip_tags(html.replace("<br>", " ").replace("</p>", " ")).split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"
