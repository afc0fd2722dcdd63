"""Pages of the minutes: the editor (several writers, merge or conflict), outcomes per agenda
item (information, numbered decision, task), attendance, quorum, funding follow-up, a meeting's
tasks. Thin: the fetchers of ``views``, policies, services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillon.core.forms import apply_errors

from . import pdf, policies, services_minutes
from .forms import FundingFollowupForm, OutcomeEditForm, OutcomeForm, QuorumForm, TaskForm
from .models import Attendance, Guest, Outcome, Participant, Task
from .rendering import linkify
from .views import TASKS_SHOWN, carried_tasks, meeting_or_404, minutes_or_404


def _back_to_minutes(request, meeting, anchor: str = ""):
    """Redirect to the meeting's minutes page, at ``anchor`` (« points », « presences »…) if given."""
    url = reverse("meetings:minutes", kwargs={"org": request.organisation.slug, "pk": meeting.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _minutes_form_action(request, meeting, record, form, context_key: str, save, anchor: str):
    """A form of the minutes page (an outcome, the quorum, a funding deadline): ``save(data)``
    calls the service and returns the success message; the minutes again on success, else the
    page with the form and its French errors (400). Not allowed: 404."""
    if form.is_valid():
        try:
            done = save(form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return _back_to_minutes(request, meeting, anchor)
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting, record, **{context_key: form}), status=400)


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
        **carried_tasks(meeting),
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
    meeting = meeting_or_404(request, pk, guests=True)
    record = minutes_or_404(meeting)
    if request.method == "POST":
        texts = {s["key"]: request.POST.get(s["key"], "") for s in record.sections if s["key"] in request.POST}
        try:
            base = int(request.POST.get("version", ""))
        except ValueError:
            base = 0
        try:
            services_minutes.save_minutes(request.membership, record, texts, base, meeting.participant_ids, request=request)
        except services_minutes.MinutesConflict as conflict:
            record.refresh_from_db()
            messages.error(request, _("Someone changed the same part meanwhile: compare, then save again."))
            return render(request, "meetings/minutes.html", _minutes_context(
                request, meeting, record, form_texts=texts, conflict=conflict, base_version=conflict.version), status=409)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Minutes saved."))
        return _back_to_minutes(request, meeting)
    mine = next((p for p in meeting.participants.all() if p.membership_id == request.membership.pk), None)
    services_minutes.mark_minutes_read(mine, record)
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting, record))


def minutes_pdf(request, pk):
    """The minutes as a PDF for the record (a draft says so), for whoever may read them."""
    meeting = meeting_or_404(request, pk, guests=True)
    record = minutes_or_404(meeting)
    items, other = _outcomes_by_item(meeting, record)
    _rows, groups = _attendance(meeting)
    content = pdf.minutes_pdf(meeting, record, items=items, other_outcomes=other, attendance_groups=groups,
                              **carried_tasks(meeting), organisation_name=request.organisation.name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="compte-rendu-{meeting.pk}.pdf"'
    return response


@require_POST
def ask_contributions(request, pk):
    meeting = meeting_or_404(request, pk)
    record = minutes_or_404(meeting)
    try:
        count = services_minutes.ask_contributions(request.membership, record, request.POST.getlist("people"), request=request)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, ngettext("%(count)d person is asked to add their part.",
                                           "%(count)d people are asked to add their part.", count) % {"count": count})
    return _back_to_minutes(request, meeting)


@require_POST
def publish(request, pk):
    meeting = meeting_or_404(request, pk)
    record = minutes_or_404(meeting)
    services_minutes.publish_minutes(request.membership, record, request=request)
    messages.success(request, _("Minutes published: the participants are notified."))
    return _back_to_minutes(request, meeting)


@require_POST
def add_task(request, pk):
    meeting = meeting_or_404(request, pk)
    form = TaskForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_minutes.add_task(request.membership, meeting, assignee=data["assignee"], description=data["description"],
                              due=data["due"], participant_ids=meeting.participant_ids, request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Task added."))
    else:
        messages.error(request, _("The task needs a description and an assignee."))
    return _back_to_minutes(request, meeting)


@require_POST
def task_done(request, pk):
    task = get_object_or_404(Task.objects.for_organisation(request.organisation).select_related("meeting"), pk=pk)
    try:
        services_minutes.complete_task(request.membership, task, done=request.POST.get("done", "1") == "1", request=request)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Task updated."))
    target = request.POST.get("next", "")
    if target.startswith(f"/{request.organisation.slug}/"):
        return redirect(target)
    return redirect("meetings:detail", org=request.organisation.slug, pk=task.meeting_id)


@require_POST
def add_outcome(request, pk):
    meeting = meeting_or_404(request, pk)
    record = minutes_or_404(meeting)

    def save(data):
        outcome = services_minutes.add_outcome(request.membership, record, item=data["item"], kind=data["kind"], text=data["text"],
                                       assignee=data["assignee"], due=data["due"], participant_ids=meeting.participant_ids,
                                       request=request)
        return _("Recorded: %(what)s.") % {"what": outcome.reference or outcome.get_kind_display()}

    form = OutcomeForm(request.POST, organisation=request.organisation, meeting=meeting)
    return _minutes_form_action(request, meeting, record, form, "outcome_form", save, "points")


@require_POST
def record_attendance(request, pk):
    meeting = meeting_or_404(request, pk, guests=True)
    record = minutes_or_404(meeting)
    marks = {prefix: {person.pk: request.POST[f"{prefix}-{person.pk}"] for person in people if f"{prefix}-{person.pk}" in request.POST}
             for prefix, people in (("attendance", meeting.participants.all()), ("guest-attendance", meeting.guests.all()))}
    try:
        services_minutes.record_attendance(request.membership, record, marks["attendance"], meeting.participant_ids,
                                   guest_values=marks["guest-attendance"], request=request)
    except ValidationError as error:
        messages.error(request, _("The attendance is not saved: see the marked lines."))
        typed = {f"{prefix}-{pk}": value for prefix, values in marks.items() for pk, value in values.items()}
        return render(request, "meetings/minutes.html", _minutes_context(
            request, meeting, record, attendance_values=typed,
            attendance_errors={key: errs[0] for key, errs in error.message_dict.items()}), status=400)
    messages.success(request, _("Attendance saved."))
    return _back_to_minutes(request, meeting, "presences")


def _outcome_or_404(request, pk, opk):
    """The outcome, its minutes and meeting; 404 unless the person may edit the minutes."""
    meeting = meeting_or_404(request, pk)
    record = minutes_or_404(meeting)
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
            services_minutes.update_outcome(request.membership, outcome, item=data["item"], text=data["text"], assignee=data.get("assignee"),
                                    due=data.get("due"), participant_ids=meeting.participant_ids, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Outcome corrected."))
            return _back_to_minutes(request, meeting, "points")
    return render(request, "meetings/outcome_form.html", {"meeting": meeting, "outcome": outcome, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_POST
def delete_outcome(request, pk, opk):
    meeting, outcome = _outcome_or_404(request, pk, opk)
    try:
        services_minutes.delete_outcome(request.membership, outcome, participant_ids=meeting.participant_ids, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Outcome removed."))
    return _back_to_minutes(request, meeting, "points")


TASK_STATES = {"a-faire": False, "faites": True}


def tasks(request, pk):
    """All the tasks of a meeting and those carried to it, searchable, 50 a page."""
    meeting = meeting_or_404(request, pk)
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


@require_POST
def record_quorum(request, pk):
    meeting = meeting_or_404(request, pk)
    record = minutes_or_404(meeting)

    def save(data):
        services_minutes.record_quorum(request.membership, record, voting_members=data["voting_members"],
                               voting_present=data["voting_present"], request=request)
        return _("Quorum recorded.")

    return _minutes_form_action(request, meeting, record, QuorumForm(request.POST), "quorum_form", save, "quorum")


@require_POST
def funding_followup(request, pk):
    meeting = meeting_or_404(request, pk)
    record = minutes_or_404(meeting)

    def save(data):
        services_minutes.add_funding_followup(request.membership, record, title=data["title"], day=data["day"],
                                      participant_ids=meeting.participant_ids, request=request)
        return _("The deadline is in the funding planning.")

    return _minutes_form_action(request, meeting, record, FundingFollowupForm(request.POST), "funding_form", save, "points")
