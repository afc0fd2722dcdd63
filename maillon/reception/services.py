"""Every write of the reception desk: validated, in a transaction, audited; the recipient is told
at once (an in-app notification, which push follows, and a live event to their open pages) and
the author sees the receipts live (« Lu à 14:32 »)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.accounts.models import Membership
from maillon.audit.services import record
from maillon.notifications import live
from maillon.notifications.services import notify

from . import phones, policies
from .models import (
    NOTE_MAX,
    NOTICE_TEXT_MAX,
    TEXT_MAX,
    NoticeRecipient,
    PhoneMessage,
    ReceptionSettings,
    State,
    VisitorNotice,
)

MESSAGE_KIND = "reception.message"
NOTICE_KIND = "reception.notice"


def settings_for(organisation) -> ReceptionSettings:
    """The organisation's settings (the defaults until someone changes them: no row written on read)."""
    found = ReceptionSettings.objects.for_organisation(organisation).first()
    return found or ReceptionSettings(organisation=organisation)


def email_delay(settings: ReceptionSettings, urgent: bool) -> timedelta:
    return timedelta(minutes=settings.urgent_email_delay if urgent else settings.email_delay)


def members(organisation):
    return Membership.objects.for_organisation(organisation).active()


def _check_sender(author) -> None:
    if not policies.can_send(author):
        raise PermissionDenied(_("Only reception agents send phone messages and visitor notices."))


def _clock(moment: datetime) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


def message_url(message) -> str:
    return reverse("reception:message", kwargs={"org": message.organisation.slug, "pk": message.pk})


def notice_url(notice) -> str:
    return reverse("reception:notice", kwargs={"org": notice.organisation.slug, "pk": notice.pk})


def live_id(obj) -> str:
    """The id of a message or notice in live events and ``data-live-receipt`` (messages and notices
    are numbered apart)."""
    return f"{'notice' if isinstance(obj, VisitorNotice) else 'message'}-{obj.pk}"


def message_title(message) -> str:
    if message.urgent:
        return _("Urgent phone message from %(caller)s") % {"caller": message.caller_name}
    return _("Phone message from %(caller)s") % {"caller": message.caller_name}


def notice_title(notice) -> str:
    who = notice.visitor_name or _("Someone")
    if notice.waiting:
        return _("%(who)s is waiting at reception (%(sector)s)") % {"who": who, "sector": notice.sector_name}
    return _("%(who)s came by for %(sector)s") % {"who": who, "sector": notice.sector_name}


def message_body(message) -> str:
    parts = [message.get_action_display()]
    if message.caller_number:
        parts.append(phones.display(message.caller_number))
    parts.append(message.text[:140])
    return " · ".join(parts)


# ----------------------------------------------------------------------------------------- sending


@transaction.atomic
def send_message(author, *, recipient, caller_name: str, text: str, caller_number: str = "",
                 urgency: str = PhoneMessage.Urgency.NORMAL, action: str = PhoneMessage.Action.CALL_BACK,
                 request=None) -> PhoneMessage:
    """A phone message from reception (``author``, a membership) to ``recipient`` (a membership of
    the same organisation, or its id). ValidationError (French, by field) on bad input."""
    _check_sender(author)
    organisation = author.organisation
    errors = {}
    if not isinstance(recipient, Membership):
        recipient = members(organisation).filter(pk=recipient).select_related("user").first() if str(recipient).isdigit() else None
    elif recipient.organisation_id != organisation.pk or not recipient.is_active:
        recipient = None
    if recipient is None:
        errors["recipient"] = _("Choose a person of the organisation.")
    caller_name = (caller_name or "").strip()
    if not caller_name:
        errors["caller_name"] = _("Enter the caller's name.")
    elif len(caller_name) > 120:
        errors["caller_name"] = _("At most %(max)s characters.") % {"max": 120}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Enter the message.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("The message is too long: at most %(max)s characters (%(count)s typed).") % {"max": TEXT_MAX, "count": len(text)}
    try:
        caller_number = phones.normalise(caller_number)
    except ValidationError as error:
        errors["caller_number"] = error.messages[0]
    if urgency not in PhoneMessage.Urgency.values:
        errors["urgency"] = _("Choose normal or urgent.")
    if action not in PhoneMessage.Action.values:
        errors["action"] = _("Choose « call back », « will call back » or « for information ».")
    if errors:
        raise ValidationError(errors)
    message = PhoneMessage.objects.create(
        organisation=organisation, author=author, recipient=recipient, caller_name=caller_name, caller_number=caller_number,
        text=text, urgency=urgency, action=action, created_at=timezone.now())
    message.organisation = organisation
    record("reception.message.send", actor=author.user, organisation=organisation, target=message,
           data={"recipient": recipient.pk, "urgency": urgency}, request=request)
    url = message_url(message)
    title = message_title(message)
    notify(recipient.user, title, body=message_body(message), url=url, organisation=organisation, kind=MESSAGE_KIND, email=False)
    live.send(recipient.user_id, {
        "type": "reception.message", "id": live_id(message), "title": title, "body": message_body(message), "url": url,
        "urgent": message.urgent,
        "ack_url": reverse("reception:message_delivered", kwargs={"org": organisation.slug, "pk": message.pk})})
    settings = settings_for(organisation)
    transaction.on_commit(lambda: schedule_email(message, email_delay(settings, message.urgent)))
    return message


def schedule_email(message, delay: timedelta) -> None:
    """The e-mail fallback as a task due when the delay has passed (the database queue supports it);
    the hourly sweep (tasks.send_overdue_emails) catches any that a lost task left behind."""
    from django_tasks import default_task_backend

    from .tasks import email_if_unread

    if not default_task_backend.supports_defer:
        return
    email_if_unread.using(run_after=message.created_at + delay).enqueue(message_id=message.pk)


def day_bounds(day) -> tuple[datetime, datetime]:
    """Midnight to midnight of ``day``, Paris time."""
    zone = timezone.get_default_timezone()
    return datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone)


def on_duty(organisation, sector, day=None) -> list[Membership]:
    """Who is on duty in ``sector`` on ``day`` (today): the people of that sector's published
    shifts of the day when there are any (agenda), else the sector's members (home sector or a
    role in it). Active members only; one or two queries."""
    start, end = day_bounds(day or timezone.localdate())
    people = members(organisation).select_related("user").order_by("user__last_name", "user__first_name")
    if apps.is_installed("maillon.agenda"):
        from maillon.agenda.models import Planning

        on_shift = list(people.filter(shifts__planning__sector=sector, shifts__planning__status=Planning.Status.PUBLISHED,
                                      shifts__start__lt=end, shifts__end__gt=start).distinct())
        if on_shift:
            return on_shift
    return list(people.filter(Q(sector=sector) | Q(role_assignments__sector=sector)).distinct())


@transaction.atomic
def send_notice(author, *, sector, visitor_name: str = "", waiting: bool = False, text: str = "", request=None) -> VisitorNotice:
    """A visitor notice for ``sector`` (a Sector of the organisation, or its id) to everyone on duty in it today."""
    _check_sender(author)
    from maillon.organisations.models import Sector

    organisation = author.organisation
    errors = {}
    if not isinstance(sector, Sector):
        sector = Sector.objects.for_organisation(organisation).filter(pk=sector).first() if str(sector).isdigit() else None
    elif sector.organisation_id != organisation.pk:
        sector = None
    visitor_name, text = (visitor_name or "").strip(), (text or "").strip()
    if sector is None:
        errors["sector"] = _("Choose a sector of the organisation.")
    if len(visitor_name) > 120:
        errors["visitor_name"] = _("At most %(max)s characters.") % {"max": 120}
    if len(text) > NOTICE_TEXT_MAX:
        errors["text"] = _("The message is too long: at most %(max)s characters (%(count)s typed).") % {
            "max": NOTICE_TEXT_MAX, "count": len(text)}
    if errors:
        raise ValidationError(errors)
    people = on_duty(organisation, sector)
    if not people:
        raise ValidationError({"sector": _("Nobody is on duty or attached to this sector: choose another sector.")})
    notice = VisitorNotice.objects.create(organisation=organisation, author=author, sector=sector, sector_name=sector.name,
                                          visitor_name=visitor_name, waiting=bool(waiting), text=text, created_at=timezone.now())
    notice.organisation = organisation
    NoticeRecipient.objects.bulk_create([NoticeRecipient(organisation=organisation, notice=notice, membership=m) for m in people])
    record("reception.notice.send", actor=author.user, organisation=organisation, target=notice,
           data={"sector": sector.pk, "recipients": len(people)}, request=request)
    url, title = notice_url(notice), notice_title(notice)
    ack_url = reverse("reception:notice_delivered", kwargs={"org": organisation.slug, "pk": notice.pk})
    for person in people:
        notify(person.user, title, body=text, url=url, organisation=organisation, kind=NOTICE_KIND, email=False)
        live.send(person.user_id, {"type": "reception.message", "id": live_id(notice), "title": title, "body": text, "url": url,
                                   "urgent": notice.waiting, "ack_url": ack_url})
    notice.recipient_count = len(people)
    return notice


# ---------------------------------------------------------------------------------------- receipts


def receipt_label(state: str, moment: datetime | None) -> str:
    """« Lu à 14:32 », « Distribué à 14:31 », « Traité à 15:02 », « Envoyé à 14:30 »."""
    formats_ = {State.SENT: _("Sent at %(time)s"), State.DELIVERED: _("Delivered at %(time)s"),
                State.READ: _("Read at %(time)s"), State.HANDLED: _("Handled at %(time)s")}
    return formats_[state] % {"time": _clock(moment)} if moment else str(State(state).label)


def message_label(message) -> str:
    moment = {State.SENT: message.created_at, State.DELIVERED: message.delivered_at, State.READ: message.read_at,
              State.HANDLED: message.handled_at}[message.state]
    return receipt_label(message.state, moment)


def notice_label(read: int, delivered: int, total: int) -> str:
    """A notice's state for its author: « Lu par 2 sur 3 », « Distribué à 3 sur 3 », « Envoyé à 3 personnes »."""
    if read:
        return _("Read by %(count)s of %(total)s") % {"count": read, "total": total}
    if delivered:
        return _("Delivered to %(count)s of %(total)s") % {"count": delivered, "total": total}
    return ngettext("Sent to %(total)s person", "Sent to %(total)s people", total) % {"total": total}


def _tell_author(message) -> None:
    if message.author_id is None:
        return
    if PhoneMessage.author.is_cached(message):  # read with the message (views, API): no query
        author_user = message.author.user_id
    else:
        author_user = Membership.objects.filter(pk=message.author_id).values_list("user_id", flat=True).first()
    if author_user is not None:
        live.send(author_user, {"type": "reception.receipt", "id": live_id(message), "state": str(message.state),
                                "label": message_label(message)})


def _own(membership, message) -> None:
    if message.organisation_id != membership.organisation_id or not policies.is_recipient(membership, message):
        raise PermissionDenied(_("Only the person the message is for may do this."))


@transaction.atomic
def mark_delivered(membership, message, *, request=None) -> bool:
    """A page of the recipient showed the message (its ``ack_url``). True if it changed."""
    _own(membership, message)
    now = timezone.now()
    if not PhoneMessage.objects.filter(pk=message.pk, delivered_at__isnull=True).update(delivered_at=now):
        return False
    message.delivered_at = now
    record("reception.message.delivered", actor=membership.user, organisation=membership.organisation, target=message, request=request)
    _tell_author(message)
    return True


@transaction.atomic
def mark_read(membership, message, *, request=None) -> bool:
    """The recipient opened the message. True if it changed (the first time only)."""
    _own(membership, message)
    now = timezone.now()
    if not PhoneMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(
            read_at=now, delivered_at=Coalesce("delivered_at", Value(now))):
        return False
    message.read_at = now
    message.delivered_at = message.delivered_at or now
    record("reception.message.read", actor=membership.user, organisation=membership.organisation, target=message, request=request)
    _mark_notifications_read(membership.user, message_url(message))
    _tell_author(message)
    return True


@transaction.atomic
def mark_handled(membership, message, *, note: str = "", request=None) -> PhoneMessage:
    """The recipient called back (or dealt with it), with an optional note."""
    _own(membership, message)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("The note is too long: at most %(max)s characters (%(count)s typed).") % {
            "max": NOTE_MAX, "count": len(note)}})
    now = timezone.now()
    # One UPDATE that only one request can win: a double tap on « Marquer traité » (two requests
    # that both read the message unhandled) marks it, audits it and tells reception once.
    if message.handled_at or not PhoneMessage.objects.filter(pk=message.pk, handled_at__isnull=True).update(
            handled_at=now, handled_note=note, read_at=Coalesce("read_at", Value(now)),
            delivered_at=Coalesce("delivered_at", Value(now))):
        raise ValidationError({"note": _("This message is already marked handled.")})
    message.handled_at, message.handled_note = now, note
    message.read_at = message.read_at or now
    message.delivered_at = message.delivered_at or now
    record("reception.message.handled", actor=membership.user, organisation=membership.organisation, target=message, request=request)
    _mark_notifications_read(membership.user, message_url(message))
    _tell_author(message)
    return message


def _notice_receipt(notice_id: int, organisation) -> None:
    notice = VisitorNotice.objects.filter(pk=notice_id).select_related("author").first()
    if notice is None or notice.author is None:
        return
    rows = list(NoticeRecipient.objects.filter(notice_id=notice_id).values_list("delivered_at", "read_at"))
    read = sum(1 for _d, r in rows if r)
    delivered = sum(1 for d, _r in rows if d)
    notice.organisation = organisation
    live.send(notice.author.user_id, {"type": "reception.receipt", "id": live_id(notice), "state": "read" if read else "delivered",
                                      "label": notice_label(read, delivered, len(rows))})


@transaction.atomic
def mark_notice_delivered(membership, notice, *, request=None) -> bool:
    changed = NoticeRecipient.objects.filter(notice=notice, membership=membership, delivered_at__isnull=True).update(delivered_at=timezone.now())
    if changed:
        record("reception.notice.delivered", actor=membership.user, organisation=membership.organisation, target=notice, request=request)
        _notice_receipt(notice.pk, membership.organisation)
    return bool(changed)


@transaction.atomic
def mark_notice_read(membership, notice, *, request=None) -> bool:
    now = timezone.now()
    mine = NoticeRecipient.objects.filter(notice=notice, membership=membership)
    if not mine.exists():
        raise PermissionDenied(_("Only the people the notice is for may do this."))
    changed = mine.filter(read_at__isnull=True).update(read_at=now)
    if changed:
        mine.filter(delivered_at__isnull=True).update(delivered_at=now)
        record("reception.notice.read", actor=membership.user, organisation=membership.organisation, target=notice, request=request)
        _mark_notifications_read(membership.user, notice_url(notice))
        _notice_receipt(notice.pk, membership.organisation)
    return bool(changed)


def _mark_notifications_read(user, url: str) -> None:
    """Opening the message also reads its notification (the header badge goes down)."""
    from maillon.notifications.models import Notification
    from maillon.notifications.services import mark_read as read_notifications

    ids = list(Notification.objects.for_user(user).unread().filter(url=url).values_list("pk", flat=True))
    if ids:
        read_notifications(user, ids)


# ------------------------------------------------------------------------- e-mail fallback, purge


def claim_email(message_id: int, now: datetime | None = None) -> PhoneMessage | None:
    """Take the e-mail of one message still unread: one UPDATE that only one caller can win (two
    workers, or the task and the sweep, at the same time), so the e-mail leaves once."""
    now = now or timezone.now()
    won = PhoneMessage.objects.filter(pk=message_id, read_at__isnull=True, handled_at__isnull=True,
                                      email_sent_at__isnull=True).update(email_sent_at=now)
    if not won:
        return None
    return PhoneMessage.objects.select_related("organisation", "recipient__user").get(pk=message_id)


def send_fallback_email(message) -> bool:
    from django.template.loader import render_to_string

    from maillon.core import links
    from maillon.notifications.tasks import send_email

    user = message.recipient.user
    if not user.email:
        return False
    context = {"message": message, "number": phones.display(message.caller_number), "link": links.absolute(message_url(message)),
               "user": user}
    send_email.enqueue(to=[user.email], subject=f"[Maillon] {message_title(message)}",
                       body=render_to_string("reception/email.txt", context))
    return True


def due_for_email(now: datetime | None = None) -> list[int]:
    """Ids of the messages unread past their organisation's delay (urgent: the shorter one) and
    not e-mailed: a few rows, the last two days only (older ones are not worth an e-mail)."""
    now = now or timezone.now()
    rows = list(PhoneMessage.objects.filter(read_at__isnull=True, handled_at__isnull=True, email_sent_at__isnull=True,
                                            created_at__gt=now - timedelta(days=2))
                .values_list("pk", "organisation_id", "urgency", "created_at"))
    custom = {s.organisation_id: s for s in ReceptionSettings.objects.filter(organisation_id__in={r[1] for r in rows})}
    default = ReceptionSettings()
    return [pk for pk, org_id, urgency, created in rows
            if created + email_delay(custom.get(org_id, default), urgency == PhoneMessage.Urgency.URGENT) <= now]


def purge(now: datetime | None = None) -> int:
    """Delete messages and notices older than each organisation's retention. Returns how many went."""
    from dateutil.relativedelta import relativedelta

    now = now or timezone.now()
    custom = dict(ReceptionSettings.objects.values_list("organisation_id", "retention_months"))
    default = ReceptionSettings().retention_months
    deleted = 0
    groups: dict[int, list[int]] = {}
    for org_id, months in custom.items():
        groups.setdefault(months, []).append(org_id)
    with transaction.atomic():
        for model in (PhoneMessage, VisitorNotice):
            for months, org_ids in groups.items():
                deleted += model.objects.filter(organisation_id__in=org_ids, created_at__lt=now - relativedelta(months=months)).delete()[1].get(model._meta.label, 0)
            deleted += (model.objects.exclude(organisation_id__in=list(custom)).filter(created_at__lt=now - relativedelta(months=default))
                        .delete()[1].get(model._meta.label, 0))
        if deleted:
            record("reception.purge", data={"deleted": deleted})
    return deleted


@transaction.atomic
def save_settings(membership, settings: ReceptionSettings, *, request=None) -> ReceptionSettings:
    if not policies.can_change_settings(membership):
        raise PermissionDenied
    settings.organisation = membership.organisation
    settings.save()
    record("reception.settings", actor=membership.user, organisation=membership.organisation, target=settings,
           data={"email_delay": settings.email_delay, "urgent_email_delay": settings.urgent_email_delay,
                 "retention_months": settings.retention_months}, request=request)
    return settings
