"""Pages of the events of a space: the list (tab « Événements »), a new event or a linked
meeting, an event's page (registration, waiting list, the published minutes), the reception
list of the day with its attendance sheet, and the yearly plan across the person's spaces.
Members of other organisations see everything they need here, never the owner's intranet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.agenda.services import ConflictError
from maillon.core.forms import apply_errors
from maillon.meetings import pdf as meetings_pdf
from maillon.meetings import policies as meeting_policies
from maillon.meetings import services as meetings
from maillon.meetings.rendering import sanitise
from maillon.spaces.access import home_membership, space_context, space_view
from maillon.spaces.models import Space

from . import policies, services
from .forms import CapacityForm, EventForm, LinkForm
from .models import Registration, SpaceEvent

PAST_PAGE_SIZE = 20


def event_or_404(space, pk) -> SpaceEvent:
    """An event of this space (an id of another space's event: 404)."""
    return get_object_or_404(SpaceEvent.objects.of_space(space).with_meeting().with_counts(), pk=pk)


def _mine(user, events) -> dict[int, Registration]:
    return {r.event_id: r for r in Registration.objects.filter(user=user, event__in=[e.pk for e in events])
            .exclude(status=Registration.Status.CANCELLED)}


@space_view()
def index(request, space):
    now = timezone.now()
    events = SpaceEvent.objects.of_space(space).with_meeting().with_counts()
    upcoming = list(events.filter(meeting__end__gt=now).order_by("meeting__start", "pk"))
    past = Paginator(events.filter(meeting__end__lte=now).order_by("-meeting__start", "-pk"), PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    mine = _mine(request.user, [*upcoming, *past])
    for event in [*upcoming, *past]:
        event.mine = mine.get(event.pk)
        event.state = services.state_of(event, now)
    return render(request, "space_events/index.html", space_context(
        request, "events", upcoming=upcoming, page_obj=past, year=timezone.localdate().year,
        can_organise=policies.can_organise(space, request.space_role)))


def _organiser(request, space):
    """The host's membership of the owner organisation, or the page that explains why not."""
    membership = policies.owner_host(space, request.user, request.space_role)
    if membership is None:
        return None, render(request, "space_events/not_owner.html", space_context(request, "events"), status=403)
    return membership, None


@space_view("host")
def new(request, space):
    membership, refused = _organiser(request, space)
    if refused:
        return refused
    types = meetings.meeting_types(space.organisation)
    # A space's meeting is no board meeting: the first other type is offered first.
    initial = {"meeting_type": next((t.pk for t in types if not t.is_board), None)}
    form = EventForm(request.POST or None, organisation=space.organisation, types=types, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.create_event(
                space, membership, capacity=data["capacity"], title=data["title"], meeting_type=data["meeting_type"],
                start=data["start"], end=data["end"], room=data["room"], objective=data["objective"], agenda_text=data["agenda"],
                series=data["series"], new_series=data["new_series"])
        except ConflictError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            apply_errors(form, error, {"start": "start_time", "end": "end_time", "resources": "room"})
        else:
            messages.success(request, _("The event is open to the members of the space."))
            return redirect("space_events:detail", space=space.slug, pk=event.pk)
    return render(request, "space_events/form.html", space_context(request, "events", form=form, heading=_("New event")))


@space_view("host")
def link(request, space):
    membership, refused = _organiser(request, space)
    if refused:
        return refused
    form = LinkForm(request.POST or None, meetings=services.linkable_meetings(space, membership))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.link_meeting(space, membership, form.cleaned_data["meeting"], capacity=form.cleaned_data["capacity"],
                                          request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The event is open to the members of the space."))
            return redirect("space_events:detail", space=space.slug, pk=event.pk)
    return render(request, "space_events/form.html", space_context(request, "events", form=form,
                                                                   heading=_("Open a meeting to the space")))


def _minutes(event):
    minutes = getattr(event.meeting, "minutes", None)
    if minutes is None or minutes.status != minutes.Status.PUBLISHED:
        return None
    return [{"title": s["title"], "html": sanitise(s["text"])} for s in minutes.sections if s.get("text", "").strip()]


def _intranet_link(request, space, event) -> bool:
    """Whether the person may open the meeting in the owner's intranet (meetings app's rule)."""
    membership = request.membership if getattr(request, "membership", None) and request.membership.organisation_id == space.organisation_id \
        else policies.owner_membership(space, request.user)
    if membership is None:
        return False
    ids = set(event.meeting.participants.values_list("membership_id", flat=True))
    return meeting_policies.can_see_meeting(membership, event.meeting, ids)


@space_view()
def detail(request, space, pk):
    event = event_or_404(space, pk)
    mine = Registration.objects.filter(event=event, user=request.user).exclude(status=Registration.Status.CANCELLED).first()
    room, _equipment = meetings.booked_resources(event.meeting)
    can_organise = policies.can_organise(space, request.space_role)
    position = None
    if mine is not None and mine.status == Registration.Status.WAITING:
        position = services.waiting_position(mine)
    waiting = (list(Registration.objects.filter(event=event, status=Registration.Status.WAITING)
                    .select_related("user", "organisation").order_by("queued_at", "pk")[:50]) if can_organise else [])
    return render(request, "space_events/detail.html", space_context(
        request, "events", event=event, meeting=event.meeting, mine=mine, position=position, room=room,
        state=services.state_of(event), minutes=_minutes(event), waiting=waiting,
        can_register=policies.can_register(space, request.space_role) and not event.is_past and not event.is_cancelled
        and event.meeting.start > timezone.now(),
        can_organise=can_organise, capacity_form=CapacityForm(initial={"capacity": event.capacity}),
        intranet=_intranet_link(request, space, event)))


@require_POST
@space_view()
def register(request, space, pk):
    event = event_or_404(space, pk)
    try:
        registration = services.register(event, request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You are registered.") if registration.status == Registration.Status.REGISTERED
                         else _("The event is full: you are on the waiting list. You will be told if a place frees up."))
    return redirect("space_events:detail", space=space.slug, pk=event.pk)


@require_POST
@space_view()
def cancel(request, space, pk):
    """Give up one's place (or leave the waiting list); a host may cancel someone's (``registration``)."""
    event = event_or_404(space, pk)
    wanted = request.POST.get("registration", "")
    registrations = Registration.objects.filter(event=event).exclude(status=Registration.Status.CANCELLED).select_related("event__space")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        registration = get_object_or_404(registrations, pk=int(wanted))
    else:
        registration = get_object_or_404(registrations, user=request.user)
    try:
        services.cancel(registration, request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your registration is cancelled.") if registration.user_id == request.user.pk
                         else _("The registration of %(person)s is cancelled.") % {"person": registration.user})
    target = "space_events:reception" if wanted and policies.can_organise(space, request.space_role) else "space_events:detail"
    return redirect(target, space=space.slug, pk=event.pk)


@require_POST
@space_view("host")
def capacity(request, space, pk):
    event = event_or_404(space, pk)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give between 1 and 10,000 places."))
    else:
        try:
            promoted = services.set_capacity(event, form.cleaned_data["capacity"], request.user, request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The number of places is changed.") if not promoted else
                             _("The number of places is changed: %(n)s people of the waiting list got a place.") % {"n": len(promoted)})
    return redirect("space_events:detail", space=space.slug, pk=event.pk)


@space_view("host")
def reception(request, space, pk):
    """The day's list: registered people by organisation, each ticked when they arrive."""
    event = event_or_404(space, pk)
    groups: dict[str, list] = {}
    for r in services.reception_list(event):
        groups.setdefault(r.organisation.name if r.organisation else _("Without organisation"), []).append(r)
    arrived = sum(1 for rows in groups.values() for r in rows if r.arrived_at)
    return render(request, "space_events/reception.html", space_context(
        request, "events", event=event, meeting=event.meeting, groups=sorted(groups.items()), arrived=arrived))


@require_POST
@space_view("host")
def arrived(request, space, pk, rpk):
    event = event_or_404(space, pk)
    registration = get_object_or_404(Registration.objects.select_related("user", "event__space"), event=event, pk=rpk)
    try:
        services.mark_arrived(registration, request.POST.get("arrived") == "1", request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(reverse("space_events:reception", kwargs={"space": space.slug, "pk": event.pk}) + f"#r{registration.pk}")


@space_view("host")
def sheet(request, space, pk):
    """The attendance sheet (the meetings app's PDF) of the registered people."""
    event = event_or_404(space, pk)
    content = meetings_pdf.attendance_pdf(event.meeting, services.attendance_rows(event), organisation_name=space.organisation.name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="emargement-{event.pk}.pdf"'
    return response


@login_required
def plan(request, year):
    """The year's events across my spaces (or one of them, ``?espace=``): done, late, planned."""
    if not 2000 <= year <= 2100:
        raise Http404
    home_membership(request)
    spaces = list(Space.objects.visible_to(request.user).order_by("name"))
    chosen = next((s for s in spaces if s.slug == request.GET.get("espace")), None)
    events = list(services.year_plan(request.user, year, chosen))
    now = timezone.now()
    counts = {services.DONE: 0, services.LATE: 0, services.PLANNED: 0, services.CANCELLED: 0}
    months: dict[int, list] = {}
    for event in events:
        event.state = services.state_of(event, now)
        counts[event.state] += 1
        months.setdefault(timezone.localtime(event.meeting.start).month, []).append(event)
    return render(request, "space_events/plan.html", {
        "year": year, "months": sorted(months.items()), "counts": counts, "total": len(events), "spaces": spaces, "chosen": chosen,
        "states": {services.DONE: _("Done"), services.LATE: _("Late"), services.PLANNED: _("Planned"), services.CANCELLED: _("Cancelled")},
    })
