"""Notification list (paginated), open one (marks it read), the person's e-mail settings,
development outbox."""

import unicodedata

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape as escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.core.prepared import prepared
from maillon.core.reversing import row_url
from maillon.ui.dates import format_date

from . import push, services
from .kinds import Channel
from .models import OutboxMessage, PushSubscription
from .policies import can_read_outbox


def _mine(request):
    return services.visible_to(request.user, request.organisation)


PER_PAGE = 20


def notification_list(request):
    page = Paginator(_Listed(request.user.pk, request.organisation.pk), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page_obj": page, "rows": _rows_html(page.object_list, row_url("notifications:open", org=request.organisation.slug)),
    })


class _Listed:
    """``_mine(request)`` for the paginator: counted, and its first page read, through queries
    compiled once per process (issue 14); another page is sliced from the queryset."""

    def __init__(self, user: int, organisation: int):
        self.user, self.organisation = user, organisation

    def count(self) -> int:
        return next(iter(_count_in(user=self.user, organisation=self.organisation)), 0)

    def __getitem__(self, window: slice) -> list:
        if window.stop <= window.start:
            return []
        if not window.start and window.stop <= PER_PAGE:
            return list(_first_page(user=self.user, organisation=self.organisation))[:window.stop]
        return list(_listed(self.user, self.organisation)[window])


def _listed(user, organisation):
    # What a row prints (read, title, body, date) of a person's notifications seen from one organisation.
    return services.visible_to(user, organisation).only("title", "body", "read_at", "created_at")


@prepared(user=-860_011, organisation=-860_012)
def _count_in(user, organisation):
    # A count as a one-row queryset (no row: none), so that it compiles once (core.prepared).
    return services.visible_to(user, organisation).order_by().values("recipient").annotate(n=Count("pk")).values_list("n", flat=True)


@prepared(user=-860_013, organisation=-860_014)
def _first_page(user, organisation):
    return _listed(user, organisation)[:PER_PAGE]


def _rows_html(notifications, open_url) -> str:
    """The list's rows, drawn here rather than by a template loop (two dates and a truncated body
    per row: issue 14). Same markup as the loop had."""
    new = f'<span class="status status-wait">{escape(_("new"))}</span>'
    items = []
    for n in notifications:
        moment = timezone.localtime(n.created_at)
        body = ""
        if n.body:
            # ``truncatechars:160``: a text of 160 characters at most is only put in NFC form.
            text = unicodedata.normalize("NFC", n.body) if len(n.body) <= 160 else Truncator(n.body).chars(160)
            body = f'<p class="row-secondary">{escape(text)}</p>'
        unread = n.read_at is None
        items.append(
            f'\n  <li class="row row-link{" is-unread" if unread else ""}">\n    <div class="row-main">\n'
            f'      <p class="row-primary"><a href="{escape(open_url(n.pk))}">{escape(n.title)}</a></p>\n      {body}\n    </div>\n'
            f'    <div class="row-end">{new if unread else ""}'
            f'<time class="row-meta" datetime="{moment.isoformat()}">{escape(format_date(moment, "j N, H:i"))}</time></div>\n  </li>\n'
        )
    return mark_safe(f'<ul class="rows">\n{"".join(items)}\n</ul>')  # noqa: S308 - every value in it is escaped


@require_POST
def mark_all_read(request):
    services.mark_read(request.user, organisation=request.organisation)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list", org=request.organisation.slug)


def open_notification(request, pk):
    notification = get_object_or_404(_mine(request), pk=pk)
    if notification.read_at is None:
        services.mark_read(request.user, [notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list", org=request.organisation.slug)


def preferences(request):
    """The signed-in person's channel per kind, whether each kind reaches their devices by Web
    Push, and their devices: always their own (no person in the URL)."""
    errors, posted, posted_push = {}, {}, None
    if request.method == "POST":
        posted = {k.code: request.POST.get(k.code, "") for k in services.kinds.configurable()}
        chosen_push = set(request.POST.getlist("push"))
        posted_push = {k.code: k.code in chosen_push for k in services.kinds.configurable()}
        missing = {code: _("Choose how this kind reaches you.") for code, value in posted.items() if not value}
        try:
            if missing:
                raise ValidationError(missing)
            with transaction.atomic():
                changed = services.set_preferences(request.user, posted) + push.set_choices(request.user, posted_push)
        except ValidationError as exc:
            errors = {code: msgs[0] for code, msgs in exc.message_dict.items()}
        else:
            messages.success(request, _("Your notification settings are saved.") if changed else _("Nothing changed: your settings are as they were."))
            return redirect("notifications:preferences", org=request.organisation.slug)
    # After a refused submission each row shows what was sent (nothing checked where nothing valid was).
    push_on = posted_push or push.choices(request.user)
    rows = [{"kind": kind, "channel": posted[kind.code] if posted else channel, "push": push_on[kind.code], "error": errors.get(kind.code)}
            for kind, channel in services.preferences(request.user)]
    devices = PushSubscription.objects.for_user(request.user)
    return render(request, "notifications/preferences.html", {
        "rows": rows, "channels": Channel.choices, "errors": errors, "has_email": bool(request.user.email),
        "devices": devices, "push_key": push.public_key(),
    }, status=400 if errors else 200)


def device_remove(request, pk):
    """« Retirer »: a confirmation page, then the device no longer gets notifications. One's own
    devices only (another person's id: 404)."""
    device = get_object_or_404(PushSubscription.objects.for_user(request.user), pk=pk)
    if request.method == "POST":
        push.unsubscribe(request.user, device.pk)
        messages.success(request, _("« %(device)s » no longer receives your notifications.") % {"device": device})
        return redirect("notifications:preferences", org=request.organisation.slug)
    return render(request, "notifications/device_remove.html", {"device": device})


def _outbox(request):
    """Only this organisation's mail: another's holds its members' password-reset links."""
    return OutboxMessage.objects.filter(organisations=request.organisation)


def outbox(request):
    if not can_read_outbox(request.membership):
        raise Http404
    page = Paginator(_outbox(request), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page_obj": page})


def outbox_message(request, pk):
    if not can_read_outbox(request.membership):
        raise Http404
    return render(request, "notifications/outbox_message.html", {"message": get_object_or_404(_outbox(request), pk=pk)})
