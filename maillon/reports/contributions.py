"""The figures the other apps of the extranet give a report: posts and comments of the feed, pages
written in the knowledge base, registrations to the space's events, mailings sent. Each is
registered only when its app is installed (reports.apps)."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .figures import _bounds, register, register_space_meetings


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


def mailings_sent(scope, period) -> int:
    """Mailings whose sending ended in the period: those of the federation's organisations, or for a
    space those that went to its members (the « spaces » criterion names it)."""
    from maillon.mailings.models import Mailing

    sent = Mailing.objects.filter(status=Mailing.Status.SENT, **_in(period, "finished_at"))
    if scope.kind == "federation":
        return sent.filter(organisation_id__in=scope.organisation_ids()).count()
    wanted = str(scope.space.pk)
    return sum(1 for criteria in sent.values_list("criteria", flat=True)
               if wanted in {str(value) for value in (criteria or {}).get("spaces", [])})


def install() -> None:
    if apps.is_installed("maillon.space_events"):
        from maillon.space_events.models import SpaceEvent

        register_space_meetings(lambda space: SpaceEvent.objects.filter(space=space).values("meeting"))
        register("registrations", _("Registrations to events"), "meetings", registrations, order=4)
    if apps.is_installed("maillon.spaces"):
        register("posts", _("Posts"), "contributions", posts, order=30)
        register("comments", _("Comments"), "contributions", comments, order=31)
    if apps.is_installed("maillon.mailings"):
        register("mailings_sent", _("Mailings sent"), "outreach", mailings_sent, order=40)
    if apps.is_installed("maillon.kb"):
        register("kb_pages", _("Knowledge base pages written"), "contributions", pages_written, order=32)
