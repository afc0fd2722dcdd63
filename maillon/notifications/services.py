"""The one function to tell a person something: ``notify()``."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from maillon.core import links

from .models import Notification
from .tasks import send_email


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def visible_to(user, organisation):
    """A person's notifications seen from one organisation: that organisation's, plus
    account-level ones (no organisation). Never another person's."""
    return Notification.objects.for_user(user).filter(Q(organisation=organisation) | Q(organisation__isnull=True))


def unread_count(user, organisation=None) -> int:
    """The header badge: unread notifications seen from ``organisation`` (the same ones as the
    list: that organisation's plus account-level ones); without one, all of the person's."""
    qs = visible_to(user, organisation) if organisation is not None else Notification.objects.for_user(user)
    return qs.unread().count()


def notify(user, title: str, *, body: str = "", url: str = "", organisation=None, email: bool = True) -> Notification:
    """Create an in-app notification; after commit, push the new unread count live and
    enqueue the e-mail (when asked and the person has an address)."""
    notification = Notification.objects.create(recipient=user, organisation=organisation, title=title, body=body, url=url)

    def after_commit():
        _push_unread(user.pk)
        if email and user.email:
            context = {"notification": notification, "user": user, "link": links.absolute(notification.url) if notification.url else ""}
            send_email.enqueue(
                to=[user.email],
                subject=f"[Maillon] {title}",
                body=render_to_string("notifications/email.txt", context),
                notification_id=notification.pk,
            )

    transaction.on_commit(after_commit)
    return notification


def mark_read(user, notification_ids=None, *, organisation=None) -> int:
    """Mark the person's unread notifications read: the given ids, or all of them (those
    seen from ``organisation`` when it is given). Returns how many changed."""
    qs = (visible_to(user, organisation) if organisation is not None else Notification.objects.for_user(user)).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    updated = qs.update(read_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: _push_unread(user.pk))
    return updated


def _push_unread(user_id: int) -> None:
    """Tell the person's open pages that their count changed: each connection recounts for the
    organisation it is opened from (see consumers.py), so the badge always matches the list."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "unread.changed"})
    except Exception:  # noqa: BLE001 - live updates are best effort, the page count stays right
        return
