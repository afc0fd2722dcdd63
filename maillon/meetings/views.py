"""Pages of the meetings app: list, new meeting (pre-filled from a date in minutes), meeting
page with answers, minutes editor, tasks. Thin: scoped querysets, policies, services."""

from __future__ import annotations

from datetime import date, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.agenda.services import ConflictError

from . import invitations, policies, services
from .forms import MeetingForm, TaskForm
from .models import Meeting, Minutes, Participant, Task
from .rendering import linkify


def _meetings(request):
    return Meeting.objects.for_organisation(request.organisation).select_related("meeting_type", "series", "event")


def _meeting_or_404(request, pk):
    meeting = get_object_or_404(_meetings(request).select_related("organiser").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("membership__user").order_by("membership__user__last_name"))), pk=pk)
    meeting.participant_ids = {p.membership_id for p in meeting.participants.all()}
    if not policies.can_see_meeting(request.membership, meeting, meeting.participant_ids):
        raise Http404
    return meeting


def index(request):
    now = timezone.now()
    qs = _meetings(request).visible_to(request.membership)
    past = request.GET.get("passees") == "1"
    qs = qs.filter(end__lt=now).order_by("-start") if past else qs.filter(end__gte=now)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    tasks = Task.objects.for_organisation(request.organisation).open().filter(assignee=request.membership).select_related("meeting")[:10]
    return render(request, "meetings/index.html", {"page_obj": page, "past": past, "tasks": tasks,
                                                   "page_query": "passees=1" if past else ""})


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
    form = MeetingForm(request.POST or None, initial=_initial(request, types), organisation=request.organisation, types=types)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                request.membership, title=data["title"], meeting_type=data["meeting_type"], start=data["start"], end=data["end"],
                people=data["people"], room=data["room"], objective=data["objective"], agenda_text=data["agenda"],
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


def detail(request, pk):
    meeting = _meeting_or_404(request, pk)
    mine = next((p for p in meeting.participants.all() if p.membership_id == request.membership.pk), None)
    tasks = Task.objects.carried_to(meeting).select_related("assignee__user", "meeting")
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "mine": mine, "tasks": tasks, "answers": Participant.Answer.choices[1:],
        "can_write": policies.can_write_minutes(request.membership, meeting, meeting.participant_ids),
    })


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
    if data:
        participant = Participant.objects.filter(pk=data.get("p"), organisation_id=data.get("o")).select_related(
            "meeting__event", "membership__user", "organisation").first()
    if participant is None:
        return render(request, "meetings/rsvp_link.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            services.answer(participant, request.POST.get("answer", ""), request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Your answer is recorded."))
        return redirect(request.path)
    return render(request, "meetings/rsvp_link.html", {"participant": participant, "meeting": participant.meeting,
                                                      "answers": Participant.Answer.choices[1:]})


def _minutes_context(request, meeting, minutes, form_texts=None, conflict=None, base_version=None):
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
        "tasks": Task.objects.carried_to(meeting).select_related("assignee__user", "meeting"),
        "can_write": policies.can_write_minutes(request.membership, meeting, participant_ids)
        and (minutes.status == Minutes.Status.DRAFT or policies.can_manage(request.membership, meeting)),
        "can_manage": policies.can_manage(request.membership, meeting),
        "task_form": TaskForm(organisation=request.organisation, initial={"assignee": request.membership.pk}),
        "objective_html": linkify(meeting.objective, reference, new_url, meeting.pk),
    }


def minutes(request, pk):
    meeting = _meeting_or_404(request, pk)
    record = get_object_or_404(Minutes.objects.for_organisation(request.organisation), meeting=meeting)
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
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting, record))


@require_POST
def publish(request, pk):
    meeting = _meeting_or_404(request, pk)
    record = get_object_or_404(Minutes.objects.for_organisation(request.organisation), meeting=meeting)
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


