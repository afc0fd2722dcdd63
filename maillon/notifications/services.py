"""The one function to tell a person something: ``notify()``."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.core import links
from maillon.core.prepared import prepared

from . import kinds, push
from .kinds import OTHER, Channel
from .models import Notification, Preference
from .tasks import send_email


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def visible_to(user, organisation):
    """A person's notifications seen from one organisation: that organisation's, plus
    account-level ones (no organisation). Never another person's."""
    return Notification.objects.for_user(user).filter(Q(organisation=organisation) | Q(organisation__isnull=True))


@prepared(user=-860_001, organisation=-860_002)
def _unread_in(user, organisation):
    # A count as a one-row queryset (no row: none unread), so that it compiles once (core.prepared).
    return visible_to(user, organisation).unread().order_by().values("recipient").annotate(n=Count("pk")).values_list("n", flat=True)


def unread_count(user, organisation=None) -> int:
    """The header badge: unread notifications seen from ``organisation`` (the same ones as the
    list: that organisation's plus account-level ones); without one, all of the person's."""
    if organisation is None:
        return Notification.objects.for_user(user).unread().count()
    return next(iter(_unread_in(user=user.pk, organisation=organisation.pk)), 0)


def notify(user, title: str, *, body: str = "", url: str = "", organisation=None, kind: str = OTHER,
           email: bool = True) -> Notification:
    """Create an in-app notification of ``kind`` (kinds.py); after commit, push the new unread
    count live, send it to the person's devices by Web Push unless they switched that off for
    the kind (push.py), and, as the person chose for that kind, enqueue the e-mail now or leave
    it to the daily digest (tasks.send_digests). ``email=False``: no e-mail, whatever the
    choice (for a caller that e-mails the same news itself, with a calendar file)."""
    delivery = channel_for(user, kind) if email else Channel.IN_APP
    notification = Notification.objects.create(recipient=user, organisation=organisation, title=title, body=body, url=url,
                                                kind=kind, delivery=delivery)

    def after_commit():
        _push_unread(user.pk)
        push.enqueue(notification)
        if delivery == Channel.IMMEDIATE and user.email:
            context = {"notification": notification, "user": user, "link": links.absolute(notification.url) if notification.url else ""}
            send_email.enqueue(
                to=[user.email],
                subject=f"[Maillon] {title}",
                body=render_to_string("notifications/email.txt", context),
                notification_id=notification.pk,
            )

    transaction.on_commit(after_commit)
    return notification


def channel_for(user, kind: str) -> str:
    """How ``user`` wants ``kind``: their choice, else the kind's default."""
    spec = kinds.get(kind)
    if not spec.configurable:
        return spec.default
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("channel", flat=True).first()
    return chosen or spec.default


def preferences(user) -> list[tuple[kinds.Kind, str]]:
    """Every configurable kind with the person's channel for it (one query)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return [(k, chosen.get(k.code, k.default)) for k in kinds.configurable()]


def set_preferences(user, choices: dict[str, str]) -> int:
    """Save ``user``'s channel for each kind in ``choices`` (kinds left out keep theirs).
    A choice equal to the default is stored as no row: the default applies. Raises a
    ValidationError (in French) naming each unknown kind or channel. Returns how many changed."""
    errors = {}
    for code, channel in choices.items():
        spec = kinds.KINDS.get(code)
        if spec is None or not spec.configurable:
            errors[code] = _("Unknown kind of notification.")
        elif channel not in Channel.values:
            errors[code] = _("Choose in the app only, an e-mail at once or the daily digest.")
    if errors:
        raise ValidationError(errors)
    before = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    changed = 0
    with transaction.atomic():
        for code, channel in choices.items():
            default = kinds.KINDS[code].default
            if before.get(code, default) == channel:
                continue
            changed += 1
            if channel == default:
                Preference.objects.filter(user=user, kind=code).delete()
            else:
                Preference.objects.update_or_create(user=user, kind=code, defaults={"channel": channel})
    return changed


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
