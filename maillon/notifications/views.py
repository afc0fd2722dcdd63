"""Notification list (paginated), open one (marks it read), the person's e-mail settings,
development outbox."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.core.reversing import row_url

from . import push, services
from .kinds import Channel
from .models import OutboxMessage, PushSubscription
from .policies import can_read_outbox


def _mine(request):
    return services.visible_to(request.user, request.organisation)


def notification_list(request):
    page = Paginator(_mine(request), 20).get_page(request.GET.get("page"))
    open_url = row_url("notifications:open", org=request.organisation.slug)
    for notification in page.object_list:
        notification.open_url = open_url(notification.pk)
    return render(request, "notifications/list.html", {"page_obj": page})


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
