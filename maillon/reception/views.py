"""Pages of the reception desk: the sheet (the « Accueil » tab's two actions), the phone-message
and visitor-notice forms, the agent's day, a message or notice as its recipient sees it (opening
it marks it read), the history and the settings. Thin: scoped querysets, policies, services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillon.core.forms import apply_errors
from maillon.core.reversing import row_url

from . import phones, policies, services
from .forms import HandledForm, HistoryFilter, MessageForm, NoticeForm, SettingsForm
from .models import NoticeRecipient, PhoneMessage, VisitorNotice

PAGE_SIZE = 50


def _sender(request):
    if not policies.can_send(request.membership):
        raise PermissionDenied(_("Only reception agents send phone messages and visitor notices."))




def sheet(request):
    """The « Accueil » tab's sheet as a page (without JavaScript; with it, the same links in a dialog)."""
    _sender(request)
    return render(request, "reception/sheet.html")


def new_message(request):
    _sender(request)
    form = MessageForm(request.POST or None, organisation=request.organisation,
                       initial={"recipient": request.GET.get("pour")} if request.GET.get("pour", "").isdigit() else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = services.send_message(request.membership, recipient=data["recipient"], caller_name=data["caller_name"],
                                            caller_number=data["caller_number"], text=data["text"], urgency=data["urgency"],
                                            action=data["action"], request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Message sent to %(name)s.") % {"name": message.recipient.user.display_name})
            return redirect("reception:today", org=request.organisation.slug)
    return render(request, "reception/message_form.html", {"form": form}, status=400 if form.errors else 200)


def new_notice(request):
    _sender(request)
    form = NoticeForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.send_notice(request.membership, sector=data["sector"], visitor_name=data["visitor_name"],
                                          waiting=data["waiting"], text=data["text"], request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, ngettext("Notice sent to %(count)s person of %(sector)s.",
                                               "Notice sent to %(count)s people of %(sector)s.", notice.recipient_count) % {
                "count": notice.recipient_count, "sector": notice.sector_name})
            return redirect("reception:today", org=request.organisation.slug)
    return render(request, "reception/notice_form.html", {"form": form}, status=400 if form.errors else 200)


def _with_counts(notices):
    return notices.annotate(total=Count("recipients"), read=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
                            delivered=Count("recipients", filter=Q(recipients__delivered_at__isnull=False)))


def _decorate_messages(request, rows):
    url = row_url("reception:message", org=request.organisation.slug)
    for m in rows:
        m.url, m.label, m.live_id = url(m.pk), services.message_label(m), services.live_id(m)
        m.number = phones.display(m.caller_number)
    return rows


def _decorate_notices(request, rows):
    url = row_url("reception:notice", org=request.organisation.slug)
    for n in rows:
        n.url, n.label, n.live_id = url(n.pk), services.notice_label(n.read, n.delivered, n.total), services.live_id(n)
    return rows


def today(request):
    """The agent's day: the messages and notices they sent today, with their state (live)."""
    _sender(request)
    start, end = services.day_bounds(timezone.localdate())
    sent = PhoneMessage.objects.for_organisation(request.organisation).filter(author=request.membership, created_at__gte=start,
                                                                               created_at__lt=end)
    notices = VisitorNotice.objects.for_organisation(request.organisation).filter(author=request.membership, created_at__gte=start,
                                                                                   created_at__lt=end)
    return render(request, "reception/today.html", {
        "sent": _decorate_messages(request, list(sent.select_related("recipient__user"))),
        "notices": _decorate_notices(request, list(_with_counts(notices)))})


def _told(membership):
    """The notices sent to ``membership``, as a subquery: filtering through the ``recipients`` join
    instead would make _with_counts count that one person only (« Lu par 1 sur 1 »)."""
    return NoticeRecipient.objects.filter(membership=membership).values("notice_id")


def _caller_matches(query: str) -> Q:
    """The caller's name or number, as reception types it: « 06 98 76 54 32 » or « 0698 » find the
    number stored as +33698765432; otherwise every word in the name or the number."""
    try:
        number = phones.normalise(query)
    except ValidationError:
        number = ""
    if number:
        return Q(caller_number=number)
    found = Q()
    for word in query.split():
        match = Q(caller_name__icontains=word) | Q(caller_number__icontains=word)
        if len(word) > 1 and word.isascii() and word.isdigit() and word.startswith("0"):
            match |= Q(caller_number__startswith="+33" + word[1:])
        found &= match
    return found


def history(request):
    """Reception and the director: every message, searched by person, caller, sector and date, 50 a
    page; anyone else: the messages for them."""
    everyone = policies.can_see_all(request.membership)
    form = HistoryFilter(request.GET or None, organisation=request.organisation, everyone=everyone)
    data = {}
    if form.is_bound:
        form.is_valid()  # a field in error says so on the page; the other filters still apply
        data = form.cleaned_data
    kind = data.get("kind") or "messages"
    words = (data.get("q") or "").split()
    if kind == "visites":
        rows = VisitorNotice.objects.for_organisation(request.organisation)
        if not everyone:
            rows = rows.filter(pk__in=_told(request.membership))
        for word in words:
            rows = rows.filter(visitor_name__icontains=word)
        if data.get("person"):
            rows = rows.filter(pk__in=_told(data["person"]))
        if data.get("sector"):
            rows = rows.filter(sector=data["sector"])
        rows = _with_counts(rows)
    else:
        rows = PhoneMessage.objects.for_organisation(request.organisation).select_related("recipient__user")
        if not everyone:
            rows = rows.filter(recipient=request.membership)
        rows = rows.filter(_caller_matches(data.get("q") or ""))
        if data.get("person"):
            rows = rows.filter(recipient=data["person"])
        if data.get("sector"):
            rows = rows.filter(Q(recipient__sector=data["sector"]) | Q(recipient__role_assignments__sector=data["sector"])).distinct()
    if data.get("day"):
        start, end = services.day_bounds(data["day"])
        rows = rows.filter(created_at__gte=start, created_at__lt=end)
    page = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    decorate = _decorate_notices if kind == "visites" else _decorate_messages
    decorate(request, page.object_list)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(request, "reception/history.html", {"form": form, "page_obj": page, "kind": kind, "everyone": everyone,
                                                      "page_query": query, "can_send": policies.can_send(request.membership),
                                                      "can_change_settings": policies.can_change_settings(request.membership)})


def _message_or_404(request, pk):
    message = get_object_or_404(PhoneMessage.objects.for_organisation(request.organisation).select_related("recipient__user", "author__user"),
                                pk=pk)
    if not policies.can_read_message(request.membership, message):
        raise Http404
    message.organisation = request.organisation
    return message


def message(request, pk):
    """The message as its recipient sees it: opening it marks it read (the agent sees « Lu à … »)."""
    message = _message_or_404(request, pk)
    if policies.is_recipient(request.membership, message):
        services.mark_read(request.membership, message, request=request)
    return _show_message(request, message)


def _show_message(request, message, form=None, status=200):
    mine = policies.is_recipient(request.membership, message)
    return render(request, "reception/message.html", {
        "message": message, "mine": mine, "number": phones.display(message.caller_number), "label": services.message_label(message),
        "live_id": services.live_id(message), "form": form or (HandledForm() if mine and not message.handled_at else None)},
        status=status)


@require_POST
def message_handled(request, pk):
    message = _message_or_404(request, pk)
    if not policies.is_recipient(request.membership, message):
        raise PermissionDenied(_("Only the person the message is for may do this."))
    form = HandledForm(request.POST)
    if form.is_valid():
        try:
            services.mark_handled(request.membership, message, note=form.cleaned_data["note"], request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Message marked handled: reception is told."))
            return redirect("reception:message", org=request.organisation.slug, pk=message.pk)
    return _show_message(request, message, form, status=400)


@require_POST
def message_delivered(request, pk):
    """The ``ack_url`` of the live event: a page of the recipient showed the message. 204."""
    message = _message_or_404(request, pk)
    if not policies.is_recipient(request.membership, message):
        raise PermissionDenied
    services.mark_delivered(request.membership, message, request=request)
    return HttpResponse(status=204)


def _notice_or_404(request, pk, *, mine_only=False):
    notices = VisitorNotice.objects.for_organisation(request.organisation).select_related("author__user")
    notice = get_object_or_404(notices, pk=pk)
    notice.organisation = request.organisation
    notice.mine = NoticeRecipient.objects.filter(notice=notice, membership=request.membership).first()
    if notice.mine is None and (mine_only or not policies.can_see_all(request.membership)):
        raise Http404
    return notice


def notice(request, pk):
    notice = _notice_or_404(request, pk)
    if notice.mine is not None and notice.mine.read_at is None:
        services.mark_notice_read(request.membership, notice, request=request)
    recipients = list(NoticeRecipient.objects.filter(notice=notice).select_related("membership__user")
                      .order_by("membership__user__last_name", "membership__user__first_name"))
    return render(request, "reception/notice.html", {"notice": notice, "recipients": recipients,
                                                     "show_recipients": policies.can_see_all(request.membership)})


@require_POST
def notice_delivered(request, pk):
    notice = _notice_or_404(request, pk, mine_only=True)
    services.mark_notice_delivered(request.membership, notice, request=request)
    return HttpResponse(status=204)


def settings_view(request):
    """The delays of the e-mail fallback and the retention: the director and the administrator."""
    if not policies.can_change_settings(request.membership):
        raise PermissionDenied
    instance = services.settings_for(request.organisation)
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_settings(request.membership, form.save(commit=False), request=request)
        messages.success(request, _("Reception settings saved."))
        return redirect("reception:settings", org=request.organisation.slug)
    return render(request, "reception/settings.html", {"form": form}, status=400 if form.errors else 200)

