"""Notification list (paginated), open one (marks it read), development outbox."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .models import OutboxMessage
from .policies import can_read_outbox


def _mine(request):
    return services.visible_to(request.user, request.organisation)


def notification_list(request):
    page = Paginator(_mine(request), 20).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


@require_POST
def mark_all_read(request):
    services.mark_read(request.user, organisation=request.organisation)
    return redirect("notifications:list", org=request.organisation.slug)


def open_notification(request, pk):
    notification = get_object_or_404(_mine(request), pk=pk)
    if notification.read_at is None:
        services.mark_read(request.user, [notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list", org=request.organisation.slug)


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
