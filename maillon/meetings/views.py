"""Pages of the meetings app: list, new meeting (pre-filled from a date in minutes), meeting
page with answers, minutes editor, tasks. Thin: scoped querysets, policies, services."""

from __future__ import annotations

from datetime import date, time
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
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillon.accounts.forms import SignatureForm
from maillon.agenda.services import ConflictError

from . import invitations, pdf, policies, services
from .forms import (
    FundingFollowupForm,
    MeetingEditForm,
    MeetingForm,
    MeetingTypeForm,
    OutcomeEditForm,
    OutcomeForm,
    QuorumForm,
    RescheduleForm,
    TaskForm,
)
from .models import Attendance, Guest, Meeting, MeetingType, Minutes, Outcome, Participant, Task
from .rendering import linkify

TASKS_SHOWN = 50  # on the meeting and minutes pages; the others on the meeting's task list


def _meetings(request):
    return Meeting.objects.for_organisation(request.organisation).select_related("meeting_type", "series", "event")


def _meeting_or_404(request, pk, guests=False):
    lookups = [Prefetch("participants", queryset=Participant.objects.select_related("membership__user").order_by("membership__user__last_name"))]
    if guests:
        lookups.append("guests")
    meeting = get_object_or_404(_meetings(request).select_related("organiser", "minutes").prefetch_related(*lookups), pk=pk)
    meeting.participant_ids = {p.membership_id for p in meeting.participants.all()}
    if not policies.can_see_meeting(request.membership, meeting, meeting.participant_ids):
        raise Http404
    return meeting


def _minutes_or_404(meeting):
    """The meeting's minutes (read with the meeting by ``_meeting_or_404``)."""
    try:
        record = meeting.minutes
    except Minutes.DoesNotExist:
        raise Http404 from None
    record.meeting = meeting  # the services read it: no second query
    return record


def _carried_tasks(meeting, limit=TASKS_SHOWN):
    """The first ``limit`` tasks of the meeting (most urgent first) and how many there are."""
    tasks = list(Task.objects.carried_to(meeting).select_related("assignee__user", "meeting").annotate(total=Window(Count("pk")))[:limit])
    return {"tasks": tasks, "tasks_total": tasks[0].total if tasks else 0}


def index(request):
    now = timezone.now()
    qs = _meetings(request).visible_to(request.membership)
    past = request.GET.get("passees") == "1"
    qs = qs.filter(end__lt=now).order_by("-start") if past else qs.filter(end__gte=now)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    tasks = Task.objects.for_organisation(request.organisation).open().filter(assignee=request.membership).select_related("meeting")[:10]
    return render(request, "meetings/index.html", {"page_obj": page, "past": past, "tasks": tasks,
                                                   "page_query": "passees=1" if past else "",
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
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                request.membership, title=data["title"], meeting_type=data["meeting_type"], start=data["start"], end=data["end"],
                people=data["people"], room=data["room"], equipment=data.get("equipment", []), objective=data["objective"], agenda_text=data["agenda"], contacts=data["contacts"],
                series=data["series"], new_series=data["new_series"], base_url=request.build_absolute_uri("/")[:-1], request=request)
        except ConflictError as error:
            conflict = error.messages
            form.add_error(None, error.message)
        except ValidationError as error:
            for fieldname, errs in error.message_dict.items():
                target = {"start": "start_time", "end": "end_time", "resources": "room"}.get(fieldname, fieldname)
                form.add_error(target if target in form.fields else None, errs)
        else:
            messages.success(request, _("Meeting created: the participants are invited."))
            return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "conflict": conflict})


def _reschedule_initial(meeting, room, equipment) -> dict:
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    return {"day": start.date(), "start_time": start.time(), "end_time": end.time(), "place": meeting.event.place,
            "room": room.pk if room else None, "equipment": [e.pk for e in equipment]}


def detail(request, pk, status=200, signature_form=None):
    meeting = _meeting_or_404(request, pk, guests=True)
    mine = next((p for p in meeting.participants.all() if p.membership_id == request.membership.pk), None)
    can_sign = services.can_sign_attendance(mine)
    can_manage = policies.can_manage(request.membership, meeting) and not meeting.cancelled_at
    room, equipment = services.booked_resources(meeting)
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "mine": mine, **_carried_tasks(meeting), "answers": Participant.Answer.choices[1:],
        "can_write": policies.can_write_minutes(request.membership, meeting, meeting.participant_ids),
        "can_manage": can_manage, "room": room, "equipment": equipment,
        "can_sign": can_sign, "signature_form": signature_form or (SignatureForm(request=request) if can_sign else None),
    }, status=status)


@require_POST
def sign_attendance(request, pk):
    meeting = _meeting_or_404(request, pk)
    mine = get_object_or_404(Participant.objects.for_organisation(request.organisation), meeting=meeting, membership=request.membership)
    mine.meeting = meeting
    form = SignatureForm(request.POST, request=request)
    if not form.is_valid():
        return detail(request, pk, signature_form=form, status=400)
    try:
        services.sign_attendance(mine, form.sign, request=request)
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


def _edit_page(request, meeting, *, schedule_form=None, details_form=None, conflict=None, status=200):
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
            sector=request.membership.sector)
    return render(request, "meetings/edit.html", {"meeting": meeting, "schedule_form": schedule_form, "details_form": details_form,
                                                  "conflict": conflict}, status=status)


def reschedule(request, pk):
    meeting = _meeting_or_404(request, pk, guests=True)
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
                                        base_url=request.build_absolute_uri("/")[:-1], request=request)
        except PermissionDenied:
            raise Http404 from None
        except ConflictError as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            _apply_errors(form, error, {"start": "start_time", "end": "end_time"})
        else:
            messages.success(request, _("Meeting changed: the participants are informed."))
            return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)
    return _edit_page(request, meeting, schedule_form=form, status=400)


@require_POST
def edit_details(request, pk):
    meeting = _meeting_or_404(request, pk, guests=True)
    form = MeetingEditForm(request.POST, organisation=request.organisation, sector=request.membership.sector)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_meeting(request.membership, meeting, title=data["title"], objective=data["objective"],
                                  agenda_text=data["agenda"], people=data["people"], contacts=data["contacts"],
                                  inform=data["inform"], base_url=request.build_absolute_uri("/")[:-1], request=request)
        except PermissionDenied:
            raise Http404 from None
        except ConflictError as error:
            conflict = error.messages
            form.add_error("people", error.message)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Meeting changed: the participants are informed."))
            return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)
    return _edit_page(request, meeting, details_form=form, conflict=conflict, status=400)


@require_POST
def cancel(request, pk):
    meeting = _meeting_or_404(request, pk)
    try:
        services.cancel_meeting(request.membership, meeting, request=request)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Meeting cancelled: the participants are informed."))
    return redirect("meetings:detail", org=request.organisation.slug, pk=meeting.pk)


@require_POST
def rsvp(request, pk):
    meeting = _meeting_or_404(request, pk)
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


def _outcomes_by_item(meeting, minutes):
    """The agenda items with their outcomes (one query), then « other business » if any."""
    outcomes = list(Outcome.objects.filter(minutes=minutes, organisation_id=minutes.organisation_id)
                    .select_related("task__assignee__user"))
    items = [{"number": i, "title": title, "outcomes": [o for o in outcomes if o.item == i]}
             for i, title in enumerate(meeting.agenda_items, start=1)]
    other = [o for o in outcomes if o.item == 0 or o.item > len(items)]
    return items, other


def _attendance(meeting, values=None, errors=None):
    """One row per participant, then per guest, for the attendance form (what was typed, else
    what is known), and the names grouped by attendance for reading."""
    values, errors = values or {}, errors or {}
    people = [(p, "attendance", p.membership.user.get_full_name() or p.membership.user.username) for p in meeting.participants.all()]
    people += [(g, "guest-attendance", f"{g.name} ({g.organisation_name})" if g.organisation_name else g.name) for g in meeting.guests.all()]
    rows, groups = [], {value: [] for value in Attendance.values}
    for person, prefix, name in people:
        key = f"{prefix}-{person.pk}"
        rows.append({"participant": person, "name": name, "field": key, "value": values.get(key, person.known_attendance),
                     "error": errors.get(key), "signed": bool(getattr(person, "attendance_signature_id", None)),
                     "guest": isinstance(person, Guest)})
        groups[person.known_attendance].append(name)
    labels = dict(Attendance.choices)
    return rows, [{"value": value, "label": labels[value], "names": names} for value, names in groups.items() if names]


def _minutes_context(request, meeting, minutes, form_texts=None, conflict=None, base_version=None, outcome_form=None,
                     quorum_form=None, funding_form=None, attendance_values=None, attendance_errors=None):
    reference = timezone.localtime(meeting.start).date()
    new_url = reverse("meetings:new", kwargs={"org": request.organisation.slug})
    texts = form_texts or minutes.texts()
    clashes = {c["key"]: c for c in (conflict.sections if conflict else [])}
    sections = [{**s, "html": linkify(s["text"], reference, new_url, meeting.pk), "draft": texts.get(s["key"], s["text"]),
                 "conflict": clashes.get(s["key"])} for s in minutes.sections]
    participant_ids = meeting.participant_ids
    return {
        "meeting": meeting, "minutes": minutes, "sections": sections, "conflict": conflict,
        "base_version": base_version or minutes.version,
        **_carried_tasks(meeting),
        "can_write": policies.can_edit_minutes(request.membership, meeting, participant_ids, minutes),
        "can_manage": policies.can_manage(request.membership, meeting),
        "attendance_choices": Participant.Attendance.choices, "attendance_invalid": bool(attendance_errors),
        **dict(zip(("attendance_rows", "attendance_groups"), _attendance(meeting, attendance_values, attendance_errors), strict=True)),
        "objective_html": linkify(meeting.objective, reference, new_url, meeting.pk),
        "outcome_form": outcome_form or OutcomeForm(organisation=request.organisation, meeting=meeting),
        "quorum_form": quorum_form or (QuorumForm(initial={"voting_members": minutes.voting_members, "voting_present": minutes.voting_present})
                                       if meeting.meeting_type.is_board else None),
        "funding_form": funding_form or (FundingFollowupForm() if meeting.meeting_type.is_funder else None),
        **dict(zip(("items", "other_outcomes"), _outcomes_by_item(meeting, minutes), strict=True)),
    }


def minutes(request, pk):
    meeting = _meeting_or_404(request, pk, guests=True)
    record = _minutes_or_404(meeting)
    if request.method == "POST":
        texts = {s["key"]: request.POST.get(s["key"], "") for s in record.sections if s["key"] in request.POST}
        try:
            base = int(request.POST.get("version", ""))
        except ValueError:
            base = 0
        try:
            services.save_minutes(request.membership, record, texts, base, meeting.participant_ids, request=request)
        except services.MinutesConflict as conflict:
            record.refresh_from_db()
            messages.error(request, _("Someone changed the same part meanwhile: compare, then save again."))
            return render(request, "meetings/minutes.html", _minutes_context(
                request, meeting, record, form_texts=texts, conflict=conflict, base_version=conflict.version), status=409)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Minutes saved."))
        return redirect("meetings:minutes", org=request.organisation.slug, pk=meeting.pk)
    mine = next((p for p in meeting.participants.all() if p.membership_id == request.membership.pk), None)
    services.mark_minutes_read(mine, record)
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting, record))


@require_POST
def ask_contributions(request, pk):
    meeting = _meeting_or_404(request, pk)
    record = _minutes_or_404(meeting)
    try:
        count = services.ask_contributions(request.membership, record, request.POST.getlist("people"), request=request)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, ngettext("%(count)d person is asked to add their part.",
                                           "%(count)d people are asked to add their part.", count) % {"count": count})
    return redirect("meetings:minutes", org=request.organisation.slug, pk=meeting.pk)


@require_POST
def publish(request, pk):
    meeting = _meeting_or_404(request, pk)
    record = _minutes_or_404(meeting)
    services.publish_minutes(request.membership, record, request=request)
    messages.success(request, _("Minutes published: the participants are notified."))
    return redirect("meetings:minutes", org=request.organisation.slug, pk=meeting.pk)


@require_POST
def add_task(request, pk):
    meeting = _meeting_or_404(request, pk)
    form = TaskForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_task(request.membership, meeting, assignee=data["assignee"], description=data["description"],
                              due=data["due"], participant_ids=meeting.participant_ids, request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Task added."))
    else:
        messages.error(request, _("The task needs a description and an assignee."))
    return redirect("meetings:minutes", org=request.organisation.slug, pk=meeting.pk)


@require_POST
def task_done(request, pk):
    task = get_object_or_404(Task.objects.for_organisation(request.organisation).select_related("meeting"), pk=pk)
    try:
        services.complete_task(request.membership, task, done=request.POST.get("done", "1") == "1", request=request)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Task updated."))
    target = request.POST.get("next", "")
    if target.startswith(f"/{request.organisation.slug}/"):
        return redirect(target)
    return redirect("meetings:detail", org=request.organisation.slug, pk=task.meeting_id)




@require_POST
def add_outcome(request, pk):
    meeting = _meeting_or_404(request, pk)
    record = _minutes_or_404(meeting)
    form = OutcomeForm(request.POST, organisation=request.organisation, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.add_outcome(request.membership, record, item=data["item"], kind=data["kind"], text=data["text"],
                                           assignee=data["assignee"], due=data["due"], participant_ids=meeting.participant_ids,
                                           request=request)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            for fieldname, errs in error.message_dict.items():
                form.add_error(fieldname if fieldname in form.fields else None, errs)
        else:
            messages.success(request, _("Recorded: %(what)s.") % {"what": outcome.reference or outcome.get_kind_display()})
            return redirect(reverse("meetings:minutes", kwargs={"org": request.organisation.slug, "pk": meeting.pk}) + "#points")
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting, record, outcome_form=form), status=400)


@require_POST
def record_attendance(request, pk):
    meeting = _meeting_or_404(request, pk, guests=True)
    record = _minutes_or_404(meeting)
    marks = {prefix: {person.pk: request.POST[f"{prefix}-{person.pk}"] for person in people if f"{prefix}-{person.pk}" in request.POST}
             for prefix, people in (("attendance", meeting.participants.all()), ("guest-attendance", meeting.guests.all()))}
    try:
        services.record_attendance(request.membership, record, marks["attendance"], meeting.participant_ids,
                                   guest_values=marks["guest-attendance"], request=request)
    except ValidationError as error:
        messages.error(request, _("The attendance is not saved: see the marked lines."))
        typed = {f"{prefix}-{pk}": value for prefix, values in marks.items() for pk, value in values.items()}
        return render(request, "meetings/minutes.html", _minutes_context(
            request, meeting, record, attendance_values=typed,
            attendance_errors={key: errs[0] for key, errs in error.message_dict.items()}), status=400)
    messages.success(request, _("Attendance saved."))
    return redirect(reverse("meetings:minutes", kwargs={"org": request.organisation.slug, "pk": meeting.pk}) + "#presences")


def _outcome_or_404(request, pk, opk):
    """The outcome, its minutes and meeting; 404 unless the person may edit the minutes."""
    meeting = _meeting_or_404(request, pk)
    record = _minutes_or_404(meeting)
    outcome = get_object_or_404(Outcome.objects.for_organisation(request.organisation).select_related("task"), minutes=record, pk=opk)
    outcome.minutes = record
    if not policies.can_edit_minutes(request.membership, meeting, meeting.participant_ids, record):
        raise Http404
    return meeting, outcome


def edit_outcome(request, pk, opk):
    meeting, outcome = _outcome_or_404(request, pk, opk)
    task = outcome.task
    initial = {"item": outcome.item, "text": outcome.text, "assignee": task.assignee_id if task else None, "due": task.due if task else None}
    form = OutcomeEditForm(request.POST or None, initial=initial, organisation=request.organisation, meeting=meeting, outcome=outcome)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_outcome(request.membership, outcome, item=data["item"], text=data["text"], assignee=data.get("assignee"),
                                    due=data.get("due"), participant_ids=meeting.participant_ids, request=request)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Outcome corrected."))
            return redirect(reverse("meetings:minutes", kwargs={"org": request.organisation.slug, "pk": meeting.pk}) + "#points")
    return render(request, "meetings/outcome_form.html", {"meeting": meeting, "outcome": outcome, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_POST
def delete_outcome(request, pk, opk):
    meeting, outcome = _outcome_or_404(request, pk, opk)
    try:
        services.delete_outcome(request.membership, outcome, participant_ids=meeting.participant_ids, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Outcome removed."))
    return redirect(reverse("meetings:minutes", kwargs={"org": request.organisation.slug, "pk": meeting.pk}) + "#points")


TASK_STATES = {"a-faire": False, "faites": True}


def tasks(request, pk):
    """All the tasks of a meeting and those carried to it, searchable, 50 a page."""
    meeting = _meeting_or_404(request, pk)
    qs = Task.objects.carried_to(meeting).select_related("assignee__user", "meeting")
    state = request.GET.get("etat", "")
    if state in TASK_STATES:
        qs = qs.filter(done=TASK_STATES[state])
    query = request.GET.get("q", "").strip()[:100]
    for word in query.split():
        qs = qs.filter(Q(description__icontains=word) | Q(assignee__user__first_name__icontains=word)
                       | Q(assignee__user__last_name__icontains=word))
    page = Paginator(qs, TASKS_SHOWN).get_page(request.GET.get("page"))
    return render(request, "meetings/tasks.html", {
        "meeting": meeting, "page_obj": page, "tasks": page.object_list, "query": query, "state": state,
        "page_query": urlencode({k: v for k, v in (("q", query), ("etat", state)) if v}),
    })


def _apply_errors(form, error, renamed=None):
    """A service's ValidationError on the form: on its field (``renamed``: service name → form
    field), else at the top of the form."""
    if hasattr(error, "error_dict"):
        for fieldname, errs in error.message_dict.items():
            target = (renamed or {}).get(fieldname, fieldname)
            form.add_error(target if target in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


@require_POST
def record_quorum(request, pk):
    meeting = _meeting_or_404(request, pk)
    record = _minutes_or_404(meeting)
    form = QuorumForm(request.POST)
    if form.is_valid():
        try:
            services.record_quorum(request.membership, record, voting_members=form.cleaned_data["voting_members"],
                                   voting_present=form.cleaned_data["voting_present"], request=request)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Quorum recorded."))
            return redirect(reverse("meetings:minutes", kwargs={"org": request.organisation.slug, "pk": meeting.pk}) + "#quorum")
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting, record, quorum_form=form), status=400)


@require_POST
def funding_followup(request, pk):
    meeting = _meeting_or_404(request, pk)
    record = _minutes_or_404(meeting)
    form = FundingFollowupForm(request.POST)
    if form.is_valid():
        try:
            services.add_funding_followup(request.membership, record, title=form.cleaned_data["title"], day=form.cleaned_data["day"],
                                          participant_ids=meeting.participant_ids, request=request)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The deadline is in the funding planning."))
            return redirect(reverse("meetings:minutes", kwargs={"org": request.organisation.slug, "pk": meeting.pk}) + "#points")
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting, record, funding_form=form), status=400)


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
            _apply_errors(form, error)
        else:
            messages.success(request, _("Meeting type « %(name)s » saved.") % {"name": saved.name})
            return redirect("meetings:types", org=request.organisation.slug)
    return render(request, "meetings/types.html", {"types": all_types, "form": form, "current": current},
                  status=400 if request.method == "POST" else 200)
