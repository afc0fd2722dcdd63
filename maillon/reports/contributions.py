"""The figures the other apps of the extranet give a report: posts and comments of the feed, pages
written in the knowledge base, registrations to the space's events, mailings sent. Each is
registered only when its app is installed (reports.apps)."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .figures import _bounds, register, register_group, register_space_meetings


def _spaces(scope):
    """The spaces a figure counts: the space itself, or every space owned by the federation's organisations."""
    from maillon.spaces.models import Space

    if scope.kind == "space":
        return Space.objects.filter(pk=scope.space.pk)
    return Space.objects.filter(organisation_id__in=scope.organisation_ids())


def _in(period, field: str) -> dict:
    first, last = _bounds(period)
    return {f"{field}__gte": first, f"{field}__lte": last}


def posts(scope, period) -> int:
    from maillon.spaces.models import Post

    return Post.objects.filter(space__in=_spaces(scope), **_in(period, "created_at")).count()


def comments(scope, period) -> int:
    from maillon.spaces.models import Comment

    return Comment.objects.filter(post__space__in=_spaces(scope), **_in(period, "created_at")).count()


def pages_written(scope, period) -> int:
    """Knowledge-base pages with at least one version saved in the period (created or changed)."""
    from maillon.kb.models import Version

    return (Version.objects.filter(page__space__in=_spaces(scope), **_in(period, "created_at"))
            .values("page").distinct().count())


def registrations(scope, period) -> int:
    """Places taken (not cancelled) for the events of the period."""
    from maillon.space_events.models import Registration

    first, last = _bounds(period)
    return (Registration.objects.filter(event__space__in=_spaces(scope), event__meeting__start__gte=first,
                                        event__meeting__start__lte=last, status=Registration.Status.REGISTERED).count())


def mailings(scope, period, now) -> dict[str, int]:
    """Mailings whose sending ended in the period and what became of their messages: those of the
    federation's organisations, or for a space those that went to its members (``MailingSpace``,
    written when the mailing was queued). One query whatever the number of mailings."""
    from django.db.models import Count, Q

    from maillon.mailings.models import Mailing, MailingSpace, Recipient

    sent = Mailing.objects.filter(status=Mailing.Status.SENT, **_in(period, "finished_at"))
    if scope.kind == "federation":
        sent = sent.filter(organisation_id__in=scope.organisation_ids())
    else:
        sent = sent.filter(pk__in=MailingSpace.objects.filter(space=scope.space).values("mailing"))
    status = Recipient.Status
    counts = Recipient.objects.filter(mailing__in=sent.values("pk")).aggregate(
        mailings=Count("mailing", distinct=True),  # a mailing is sent to one person at least (services.queue)
        sent=Count("pk", filter=Q(status=status.SENT)),
        failed=Count("pk", filter=Q(status__in=[status.FAILED, status.BOUNCED])),
        unsubscribed=Count("pk", filter=Q(status=status.UNSUBSCRIBED)))
    return {"mailings_sent": counts["mailings"], "mailing_messages_sent": counts["sent"],
            "mailing_messages_failed": counts["failed"], "mailing_unsubscribed": counts["unsubscribed"]}


def install() -> None:
    if apps.is_installed("maillon.space_events"):
        from maillon.space_events.models import SpaceEvent

        register_space_meetings(lambda space: SpaceEvent.objects.filter(space=space).values("meeting"))
        register("registrations", _("Registrations to events"), "meetings", registrations, order=4)
    if apps.is_installed("maillon.spaces"):
        register("posts", _("Posts"), "contributions", posts, order=30)
        register("comments", _("Comments"), "contributions", comments, order=31)
    if apps.is_installed("maillon.mailings"):
        register_group("mailings", mailings, [
            ("mailings_sent", _("Mailings sent"), "outreach"),
            ("mailing_messages_sent", _("Messages delivered"), "outreach"),
            ("mailing_messages_failed", _("Messages failed or bounced"), "outreach"),
            ("mailing_unsubscribed", _("Not sent: unsubscribed"), "outreach"),
        ], order=40)
    if apps.is_installed("maillon.kb"):
        register("kb_pages", _("Knowledge base pages written"), "contributions", pages_written, order=32)
