"""API of notifications: the caller's notifications in the current organisation, and the
caller's own settings (how each kind reaches them). There is no person in these paths: one
reads and changes only one's own settings."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import services

router = Router(tags=["notifications"])
PAGE_SIZE = 20


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    organisation: str | None = Field(description="slug, or null for an account-level notice")
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    count: int
    unread: int
    page: int
    pages: int
    items: list[NotificationOut]


class ListFilters(Schema):
    page: int = Field(default=1, ge=1)
    unread: bool = False


class ReadIn(Schema):
    ids: list[int] | None = Field(default=None, description="the notifications to mark read; all when omitted")


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("/notifications", response=NotificationPage, summary="My notifications in the organisation")
def list_notifications(request, filters: Query[ListFilters]):
    membership = current_membership(request)
    qs = services.visible_to(request.user, membership.organisation)
    if filters.unread:
        qs = qs.unread()
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(filters.page)
    slug = membership.organisation.slug
    return {
        "count": paginator.count,
        "unread": services.visible_to(request.user, membership.organisation).unread().count(),
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [
            {
                "id": n.pk, "title": n.title, "body": n.body, "url": n.url,
                "organisation": slug if n.organisation_id else None,
                "created_at": n.created_at, "read_at": n.read_at,
            }
            for n in page
        ],
    }


@router.post("/notifications/read", response=ReadOut, summary="Mark notifications read")
def mark_read(request, payload: ReadIn | None = None):
    membership = current_membership(request)
    ids = payload.ids if payload is not None else None
    marked = services.mark_read(request.user, ids, organisation=membership.organisation)
    return {"marked": marked, "unread": services.visible_to(request.user, membership.organisation).unread().count()}


class PreferenceOut(Schema):
    kind: str
    label: str
    description: str
    channel: str = Field(description="in_app, immediate or digest")
    default: str


class PreferencesIn(Schema):
    preferences: dict[str, str] = Field(description="kind → channel (in_app, immediate or digest); kinds left out keep theirs",
                                        examples=[{"meetings.task": "immediate", "meetings.minutes": "in_app"}])


def _preferences(user) -> list[dict]:
    return [{"kind": k.code, "label": str(k.label), "description": str(k.help), "channel": channel, "default": k.default}
            for k, channel in services.preferences(user)]


@router.get("/notifications/preferences", response=list[PreferenceOut], summary="How each kind of notification reaches me")
def get_preferences(request):
    return _preferences(request.user)


@router.put("/notifications/preferences", response=list[PreferenceOut], summary="Change how kinds of notification reach me")
def put_preferences(request, payload: PreferencesIn):
    services.set_preferences(request.user, payload.preferences)  # a French 422 for an unknown kind or channel
    return _preferences(request.user)


register_api_router("", router)
