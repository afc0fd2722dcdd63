"""API of notifications: the caller's notifications in the current organisation, and the
caller's own settings (how each kind reaches them). There is no person in these paths: one
reads and changes only one's own settings."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import push, services
from .models import PushSubscription

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
    push: bool = Field(description="whether it reaches my devices by Web Push")
    push_default: bool


class PreferencesIn(Schema):
    preferences: dict[str, str] = Field(default_factory=dict, description="kind → channel (in_app, immediate or digest); kinds left out keep theirs",
                                        examples=[{"meetings.task": "immediate", "meetings.minutes": "in_app"}])
    push: dict[str, bool] = Field(default_factory=dict, description="kind → whether it reaches my devices; kinds left out keep theirs",
                                  examples=[{"meetings.task": True}])


def _preferences(user) -> list[dict]:
    pushed = push.choices(user)
    return [{"kind": k.code, "label": str(k.label), "description": str(k.help), "channel": channel, "default": k.default,
             "push": pushed[k.code], "push_default": k.push}
            for k, channel in services.preferences(user)]


@router.get("/notifications/preferences", response=list[PreferenceOut], summary="How each kind of notification reaches me")
def get_preferences(request):
    return _preferences(request.user)


@router.put("/notifications/preferences", response=list[PreferenceOut], summary="Change how kinds of notification reach me")
def put_preferences(request, payload: PreferencesIn):
    with transaction.atomic():  # a French 422 for an unknown kind or channel, and nothing saved
        services.set_preferences(request.user, payload.preferences)
        push.set_choices(request.user, payload.push)
    return _preferences(request.user)


class PushKeyOut(Schema):
    public_key: str = Field(description="the VAPID application server key (base64url), for PushManager.subscribe()")


class DeviceIn(Schema):
    endpoint: str = Field(max_length=1000, description="PushSubscription.endpoint")
    p256dh: str = Field(max_length=100, description="PushSubscription keys.p256dh (base64url)")
    auth: str = Field(max_length=50, description="PushSubscription keys.auth (base64url)")


class DeviceOut(Schema):
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None


def _device(device) -> dict:
    return {"id": device.pk, "label": device.label, "created_at": device.created_at, "last_used_at": device.last_used_at}


@router.get("/notifications/push/key", response=PushKeyOut, summary="The key to subscribe a browser to Web Push with")
def push_key(request):
    return {"public_key": push.public_key()}


@router.get("/notifications/push/devices", response=list[DeviceOut], summary="My devices that receive notifications")
def list_devices(request):
    return [_device(d) for d in PushSubscription.objects.for_user(request.user)]


@router.post("/notifications/push/devices", response={201: DeviceOut}, url_name="notifications_push_subscribe",
             summary="Turn on notifications for this browser (its PushSubscription)")
def subscribe_device(request, payload: DeviceIn):
    device = push.subscribe(request.user, endpoint=payload.endpoint, p256dh=payload.p256dh, auth=payload.auth,
                            user_agent=request.headers.get("User-Agent", ""))  # a French 422 for a bad one
    return Status(201, _device(device))


@router.delete("/notifications/push/devices/{device_id}", response={204: None}, summary="Remove one of my devices")
def remove_device(request, device_id: int):
    if not push.unsubscribe(request.user, device_id):
        raise Http404
    return Status(204, None)


register_api_router("", router)
