"""Pages of the meetings app: list, new meeting (pre-filled from a date in minutes), meeting
page with answers, « change the meeting », cancellation, answer links of the e-mails, attendance
sheet and signed attendance, meeting types. The minutes pages are in ``views_minutes``; both
fetch a meeting through ``meeting_or_404`` (tenancy and who may see it). Thin: scoped
querysets, policies, services."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Window
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.accounts.forms import SignatureForm
from maillon.agenda import conflicts as engine
from maillon.agenda.services import ConflictError
from maillon.agenda.views import suggestions_context
from maillon.core.forms import apply_errors
from maillon.core.prepared import prepared
from maillon.core.reversing import row_url

from . import invitations, pdf, policies, services, services_minutes
from .forms import (
    MeetingEditForm,
    MeetingForm,
    MeetingTypeForm,
    RescheduleForm,
)
from .models import Guest, Meeting, MeetingType, Minutes, Participant, Task

TASKS_SHOWN = 50  # on the meeting and minutes pages; the others on the meeting's task list


def _meetings(request):
    return Meeting.objects.for_organisation(request.organisation).select_related("meeting_type", "series", "event")


# Stand-ins of the queries compiled once per process (core.prepared): never real ids or dates.
_AT = datetime(1901, 3, 4, 5, 6, 7, tzinfo=UTC)


@prepared(organisation=-820_001, pk=-820_002)
def _meeting(organisation, pk, related):
    meetings = Meeting.objects.for_organisation(organisation).select_related("meeting_type", "series", "event")
    return (meetings.select_related(*related) if related else meetings).filter(pk=pk)  # select_related() alone: every FK


@prepared(meeting=-820_003)
def _participants(meeting):
    return Participant.objects.filter(meeting_id=meeting).select_related("membership__user").order_by("membership__user__last_name")


@prepared(meeting=-820_004)
def _guests(meeting):
    return Guest.objects.filter(meeting_id=meeting)


def _prefetched(meeting, name, rows):
    """``rows`` kept as ``meeting.<name>.all()``, as ``prefetch_related(name)`` keeps them."""
    field = getattr(Meeting, name).field
    for row in rows:
        field.set_cached_value(row, meeting)
    queryset = getattr(meeting, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = rows, True
    meeting.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def meeting_or_404(request, pk, guests=False, related=("organiser", "minutes")):
    """The meeting if the person may see it, with its participants (``guests`` too), and the
    ``related`` rows the caller reads (the meeting's page needs neither organiser nor minutes)."""
    try:
        meeting = next(iter(_meeting(organisation=request.organisation.pk, pk=int(pk), related=tuple(related))))
    except StopIteration:
        raise Http404 from None
    _prefetched(meeting, "participants", list(_participants(meeting=meeting.pk)))
    if guests:
        _prefetched(meeting, "guests", list(_guests(meeting=meeting.pk)))
    meeting.participant_ids = {p.membership_id for p in meeting.participants.all()}
    if not policies.can_see_meeting(request.membership, meeting, meeting.participant_ids):
        raise Http404
    return meeting


def minutes_or_404(meeting):
    """The meeting's minutes (read with the meeting by ``meeting_or_404``)."""
    try:
        record = meeting.minutes
    except Minutes.DoesNotExist:
        raise Http404 from None
    record.meeting = meeting  # the services read it: no second query
    return record


@prepared(meeting=-820_021)
def _own_tasks(meeting, limit):
    return _carried(Meeting(pk=meeting), limit)


@prepared(meeting=-820_022, series=-820_023, start=_AT)
def _series_tasks(meeting, series, start, limit):
    return _carried(Meeting(pk=meeting, series_id=series, start=start), limit)


def _carried(meeting, limit):
    return Task.objects.carried_to(meeting).select_related("assignee__user", "meeting").annotate(total=Window(Count("pk")))[:limit]


def carried_tasks(meeting, limit=TASKS_SHOWN):
    """The first ``limit`` tasks of the meeting (most urgent first) and how many there are."""
    if meeting.series_id:
        tasks = list(_series_tasks(meeting=meeting.pk, series=meeting.series_id, start=meeting.start, limit=limit))
    else:
        tasks = list(_own_tasks(meeting=meeting.pk, limit=limit))
    return {"tasks": tasks, "tasks_total": tasks[0].total if tasks else 0}




PER_PAGE = 20
PREPARED_PAGES = 10  # the first pages of the list run a query compiled once per process; later ones build theirs


def _listed(organisation, membership, user, now, past, overseer):
    qs = Meeting.objects.for_organisation(organisation).select_related("meeting_type", "series", "event").visible_to_ids(
        membership, user, overseer=overseer)
    return qs.filter(end__lt=now).order_by("-start") if past else qs.filter(end__gte=now)


def _page(qs, offset):
    return qs[offset:offset + PER_PAGE]


def _count(qs):
    return qs.order_by().values("organisation").annotate(n=Count("pk", distinct=True)).values_list("n", flat=True)


# Coordinators and the director see every meeting (no person in the SQL), the others theirs.
@prepared(organisation=-820_031, now=_AT)
def _all_page(organisation, now, past, offset):
    return _page(_listed(organisation, None, None, now, past, overseer=True), offset)


@prepared(organisation=-820_032, membership=-820_033, user=-820_034, now=_AT)
def _mine_page(organisation, membership, user, now, past, offset):
    return _page(_listed(organisation, membership, user, now, past, overseer=False), offset)


@prepared(organisation=-820_035, now=_AT)
def _all_count(organisation, now, past):
    return _count(_listed(organisation, None, None, now, past, overseer=True))


@prepared(organisation=-820_036, membership=-820_037, user=-820_038, now=_AT)
def _mine_count(organisation, membership, user, now, past):
    return _count(_listed(organisation, membership, user, now, past, overseer=False))


@prepared(organisation=-820_039, membership=-820_040)
def _open_tasks(organisation, membership):
    return Task.objects.for_organisation(organisation).open().filter(assignee=membership).select_related("meeting")[:10]


class _Listed:
    """The unsearched list for the ``Paginator``: its count and its first pages through prepared
    queries (the same rows as the queryset ``_listed`` builds, which later pages slice)."""

    def __init__(self, **values):
        self.values = values
        self.prepared = {k: v for k, v in values.items() if k != "overseer" and not (values["overseer"] and k in ("membership", "user"))}

    def count(self):
        return next(iter((_all_count if self.values["overseer"] else _mine_count)(**self.prepared)), 0)

    def __getitem__(self, item):
        if item.start == item.stop:
            return []
        if item.start % PER_PAGE == 0 and item.start < PER_PAGE * PREPARED_PAGES:
            rows = (_all_page if self.values["overseer"] else _mine_page)(offset=item.start, **self.prepared)
            return list(rows)[:item.stop - item.start]
        return list(_listed(**self.values)[item])


def index(request):
    """Upcoming meetings (or past ones, newest first), 20 a page, searchable by title, series or type."""
    now = timezone.now()
    past = request.GET.get("passees") == "1"
    membership = request.membership
    values = {"organisation": request.organisation.pk, "membership": membership.pk, "user": membership.user_id, "now": now,
              "past": past, "overseer": membership.has_role("coordinator", "director")}
    query = request.GET.get("q", "").strip()[:100]
    qs = _listed(**values) if query else _Listed(**values)
    for word in query.split():
        qs = qs.filter(Q(title__icontains=word) | Q(series__title__icontains=word) | Q(meeting_type__name__icontains=word))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    tasks = list(_open_tasks(organisation=request.organisation.pk, membership=membership.pk))
    meeting_url = row_url("meetings:detail", org=request.organisation.slug)  # once for the page's rows
    for row in page.object_list:
        row.url = meeting_url(row.pk)
    for task in tasks:
        task.meeting_url = meeting_url(task.meeting_id)
    return render(request, "meetings/index.html", {
        "page_obj": page, "past": past, "tasks": tasks, "query": query,
        "page_query": urlencode({k: v for k, v in (("passees", "1" if past else ""), ("q", query)) if v}),
        "can_manage_types": policies.can_manage_types(request.membership)})


def _parse_time(value) -> time | None:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _initial(request, types) -> dict:
    """Pre-fill from a date link in minutes: ?date=…&heure=…&fin=…&depuis=<meeting>."""
    initial = {"meeting_type": types[0].pk if types else None}
    try:
        initial["day"] = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        initial["day"] = timezone.localdate()
    start = _parse_time(request.GET.get("heure"))
    if start:
        initial["start_time"] = start
        end = _parse_time(request.GET.get("fin"))
        initial["end_time"] = end if end and end > start else time(min(start.hour + 2, 23), start.minute)
    source = request.GET.get("depuis", "")
    if source.isdigit():
        meeting = Meeting.objects.for_organisation(request.organisation).visible_to(request.membership).filter(pk=source).first()
        if meeting is not None:
            initial.update(title=meeting.title, meeting_type=meeting.meeting_type_id, series=meeting.series_id,
                           people=list(meeting.participants.exclude(membership=request.membership).values_list("membership_id", flat=True)))
    return initial


def new_meeting(request):
    types = services.meeting_types(request.organisation)
    form = MeetingForm(request.POST or None, initial=_initial(request, types), organisation=request.organisation, types=types,
                       sector=request.membership.sector)
    conflict = suggestions = overridable = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                request.membership, title=data["title"], meeting_type=data["meeting_type"], start=data["start"], end=data["end"],
                people=data["people"], room=data["room"], equipment=data.get("equipment", []), objective=data["objective"],
                agenda_text=data["agenda"], contacts=data.get("contacts", []), series=data["series"], new_series=data["new_series"],
                overbook_reason=data["overbook_reason"], request=request)
        except ConflictError as error:
            conflict = error.messages
            form.add_error(None, error.message)
            room = [data["room"]] if data["room"] else []
            suggestions = suggestions_context(request.organisation, error, data["start"], data["end"],
                                              room + list(data.get("equipment", [])),
                                              [request.membership, *data["people"]])
            people_hard = any(c.is_person and engine.is_hard(c) for c in error.conflicts)
            overridable = "no" if people_hard else "yes" if error.only_people else None
        except ValidationError as error:
            apply_errors(form, error, {"start": "start_time", "end": "end_time", "resources": "room"})
        else:
            messages.success(request, _("Meeting created: the participants are invited."))
            return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "conflict": conflict, "suggestions": suggestions,
                                                          "overridable": overridable})


def _reschedule_initial(meeting, room, equipment) -> dict:
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    return {"day": start.date(), "start_time": start.time(), "end_time": end.time(), "place": meeting.event.place,
            "room": room.pk if room else None, "equipment": [e.pk for e in equipment]}


_PAGE_ROUTES = ("meetings:minutes", "agenda:event_ics", "meetings:attendance_sheet", "meetings:rsvp", "meetings:sign_attendance",
                "meetings:reschedule", "meetings:cancel")


@functools.lru_cache(maxsize=256)
def _page_routes(slug: str) -> tuple:
    """The meeting page's addresses in this organisation, each reversed once per process (the URL
    patterns do not change while it runs), then filled in with the meeting's id."""
    return reverse("meetings:index", kwargs={"org": slug}), {name.split(":")[1]: row_url(name, org=slug) for name in _PAGE_ROUTES}


def detail(request, pk, status=200, signature_form=None):
    meeting = meeting_or_404(request, pk, guests=True, related=())
    index_url, routes = _page_routes(request.organisation.slug)
    urls = {name: route(meeting.event_id if name == "event_ics" else meeting.pk) for name, route in routes.items()}
    mine = next((p for p in meeting.participants.all() if p.membership_id == request.membership.pk), None)
    can_sign = services_minutes.can_sign_attendance(mine)
    can_manage = policies.can_manage(request.membership, meeting) and not meeting.cancelled_at
    room, equipment = services.booked_resources(meeting)
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "mine": mine, **carried_tasks(meeting), "answers": Participant.Answer.choices[1:],
        "can_write": policies.can_write_minutes(request.membership, meeting, meeting.participant_ids),
        "can_manage": can_manage, "room": room, "equipment": equipment,
        "can_sign": can_sign, "signature_form": signature_form or (SignatureForm(request=request) if can_sign else None),
        "index_url": index_url, "urls": urls,
    }, status=status)


@require_POST
def sign_attendance(request, pk):
    meeting = meeting_or_404(request, pk)
    mine = get_object_or_404(Participant.objects.for_organisation(request.organisation), meeting=meeting, membership=request.membership)
    mine.meeting = meeting
    form = SignatureForm(request.POST, request=request)
    if not form.is_valid():
        return detail(request, pk, signature_form=form, status=400)
    try:
        services_minutes.sign_attendance(mine, form.sign, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)
    if mine.attendance_signature_id is None:
        return detail(request, pk, signature_form=form, status=400)
    messages.success(request, _("Your attendance is signed. Verification code: %(code)s") % {"code": mine.attendance_signature.display_code})
    return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)


def _sheet_rows(meeting):
    rows = []
    for p in meeting.participants.all():
        user = p.membership.user
        rows.append({"participant": p, "name": user.get_full_name() or user.username, "detail": p.membership.job_title,
                     "attendance": p.get_known_attendance_display() if p.known_attendance else "", "signature": p.attendance_signature})
    for g in meeting.guests.all():
        rows.append({"participant": g, "name": g.name, "detail": g.organisation_name,
                     "attendance": g.get_known_attendance_display() if g.known_attendance else "", "signature": None})
    return rows


def _sheet_meeting(request, pk):
    meeting = get_object_or_404(_meetings(request).select_related("organiser").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("membership__user", "attendance_signature")
                 .order_by("membership__user__last_name", "membership__user__first_name")), "guests"), pk=pk)
    meeting.participant_ids = {p.membership_id for p in meeting.participants.all()}
    if not policies.can_see_meeting(request.membership, meeting, meeting.participant_ids):
        raise Http404
    return meeting


def attendance_sheet(request, pk):
    meeting = _sheet_meeting(request, pk)
    return render(request, "meetings/attendance_sheet.html", {"meeting": meeting, "rows": _sheet_rows(meeting)})


def attendance_sheet_pdf(request, pk):
    meeting = _sheet_meeting(request, pk)
    rows = [(r["name"], r["detail"], r["attendance"], r["signature"]) for r in _sheet_rows(meeting)]
    content = pdf.attendance_pdf(meeting, rows, organisation_name=request.organisation.name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="emargement-{meeting.pk}.pdf"'
    return response


def _slot(meeting):
    """The meeting's time and its agenda occurrence (left out when checking who is free then)."""
    return meeting.start, meeting.end, meeting.event.occurrences.filter(cancelled=False).values_list("pk", flat=True).first()


def _edit_page(request, meeting, *, schedule_form=None, details_form=None, conflict=None, suggestions=None, status=200):
    """The « change the meeting » page: when and where (room, equipment), who and what."""
    if not policies.can_manage(request.membership, meeting) or meeting.cancelled_at:
        raise Http404
    if schedule_form is None:
        room, equipment = services.booked_resources(meeting)
        schedule_form = RescheduleForm(initial=_reschedule_initial(meeting, room, equipment), organisation=request.organisation)
    if details_form is None:
        people = [p.membership_id for p in meeting.participants.all() if p.membership.user_id != meeting.organiser_id]
        details_form = MeetingEditForm(initial={
            "title": meeting.title, "objective": meeting.objective, "agenda": meeting.agenda, "people": people,
            "contacts": [g.contact_id for g in meeting.guests.all() if g.contact_id]}, organisation=request.organisation,
            sector=request.membership.sector, slot=_slot(meeting))
    return render(request, "meetings/edit.html", {"meeting": meeting, "schedule_form": schedule_form, "details_form": details_form,
                                                  "conflict": conflict, "suggestions": suggestions}, status=status)


def reschedule(request, pk):
    meeting = meeting_or_404(request, pk, guests=True)
    if request.method != "POST":
        return _edit_page(request, meeting)
    form = RescheduleForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.reschedule_meeting(request.membership, meeting, start=data["start"], end=data["end"], place=data["place"],
                                        # the whole form was sent: its room and its equipment (none ticked: none) apply
                                        room=data["room"] if "room" in request.POST else services.KEEP,
                                        equipment=data.get("equipment", []) if "room" in request.POST else services.KEEP,
                                        request=request)
        except PermissionDenied:
            raise Http404 from None
        except ConflictError as error:
            form.add_error(None, error.messages)
            room, equipment = services.booked_resources(meeting)
            if "room" in request.POST:
                room, equipment = data["room"], data.get("equipment", [])
            _start, _end, occurrence = _slot(meeting)
            suggestions = suggestions_context(request.organisation, error, data["start"], data["end"],
                                              ([room] if room else []) + list(equipment),
                                              [p.membership for p in meeting.participants.all()], exclude_occurrences=[occurrence])
            return _edit_page(request, meeting, schedule_form=form, suggestions=suggestions, status=400)
        except ValidationError as error:
            apply_errors(form, error, {"start": "start_time", "end": "end_time"})
        else:
            messages.success(request, _("Meeting changed: the participants are informed."))
            return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)
    return _edit_page(request, meeting, schedule_form=form, status=400)


@require_POST
def edit_details(request, pk):
    meeting = meeting_or_404(request, pk, guests=True)
    form = MeetingEditForm(request.POST, organisation=request.organisation, sector=request.membership.sector, slot=_slot(meeting))
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_meeting(request.membership, meeting, title=data["title"], objective=data["objective"],
                                  agenda_text=data["agenda"], people=data["people"],
                                  contacts=data["contacts"] if "contacts" in form.fields else None,
                                  inform=data["inform"], overbook_reason=data["overbook_reason"], request=request)
        except PermissionDenied:
            raise Http404 from None
        except ConflictError as error:
            conflict = error.messages
            form.add_error("people", error.message)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Meeting changed: the participants are informed."))
            return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)
    return _edit_page(request, meeting, details_form=form, conflict=conflict, status=400)


@require_POST
def cancel(request, pk):
    meeting = meeting_or_404(request, pk)
    try:
        services.cancel_meeting(request.membership, meeting, request=request)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Meeting cancelled: the participants are informed."))
    return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)


@require_POST
def rsvp(request, pk):
    meeting = meeting_or_404(request, pk)
    mine = get_object_or_404(Participant.objects.for_organisation(request.organisation), meeting=meeting, membership=request.membership)
    try:
        services.answer(mine, request.POST.get("answer", ""), request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)


def rsvp_link(request, token):
    """The answer link of the invitation e-mail: the signed token names the participant; a GET
    only shows the choices (mail scanners follow links), a POST records the answer."""
    data = invitations.read_rsvp_token(token)
    participant = None
    if data and data.get("p"):
        participant = Participant.objects.filter(pk=data.get("p"), organisation_id=data.get("o")).select_related(
            "meeting__event", "membership__user", "organisation").first()
    elif data and data.get("g"):
        participant = Guest.objects.filter(pk=data.get("g"), organisation_id=data.get("o")).select_related(
            "meeting__event", "organisation").first()
    if participant is None or participant.meeting.cancelled_at:
        return render(request, "meetings/rsvp_link.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            if isinstance(participant, Guest):
                services.answer_guest(participant, request.POST.get("answer", ""), request=request)
            else:
                services.answer(participant, request.POST.get("answer", ""), request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Your answer is recorded."))
        return redirect(request.path)
    return render(request, "meetings/rsvp_link.html", {"participant": participant, "meeting": participant.meeting,
                                                      "answers": Participant.Answer.choices[1:]})


def types(request, pk=None):
    """The organisation's meeting types: list, add, change (coordinators, director, admin)."""
    if not policies.can_manage_types(request.membership):
        raise Http404
    all_types = services.meeting_types(request.organisation)
    current = None
    if pk is not None:
        current = get_object_or_404(MeetingType.objects.for_organisation(request.organisation), pk=pk)
    initial = {}
    if current is not None:
        initial = {"name": current.name, "sections": "\n".join(current.sections), "is_board": current.is_board,
                   "is_funder": current.is_funder, "default_invitees": [m.pk for m in current.default_invitees.all()]}
    form = MeetingTypeForm(request.POST or None, initial=initial, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_meeting_type(request.membership, current, name=data["name"], sections=data["sections"].splitlines(),
                                               default_invitees=data["default_invitees"], is_board=data["is_board"],
                                               is_funder=data["is_funder"], request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Meeting type « %(name)s » saved.") % {"name": saved.name})
            return redirect("meetings:types", org=request.organisation.slug)
    return render(request, "meetings/types.html", {"types": all_types, "form": form, "current": current},
                  status=400 if request.method == "POST" else 200)
