"""Pages of the agenda: plannings (list, day, week, month), events, bookings, moderation,
iCalendar feeds. Thin: scoped querysets, policies, services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Func, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from maillon.accounts.models import Membership
from maillon.core.forms import apply_errors
from maillon.core.prepared import prepared
from maillon.organisations.models import Sector

from . import conflicts as engine
from . import hooks, ical, policies, services
from .forms import (
    EventForm,
    MoveForm,
    RoomPhotoForm,
    match_people,
    match_resources,
    meetings_elsewhere,
)
from .models import Allocation, CalendarToken, Event, Occurrence, Resource
from .recurrence import PARIS, expand

VIEWS = ("liste", "jour", "semaine", "mois")
PER_DAY = 8  # occurrences shown per day in the week and month views (the rest: « n more »)


class _LineEvent:
    """The event of a planning line: what the line shows of it."""

    __slots__ = ("title", "kind", "status", "all_day", "place")

    def get_status_display(self) -> str:
        return str(Event.Status(self.status).label)


class _Line:
    """An occurrence as a line of the planning shows it (agenda.templatetags.agenda.occurrence,
    the month's chips): plain values, not an occurrence, an event, allocations and rooms as model
    instances: 50 to 150 of them were a third of the list and week pages' CPU (issue 14)."""

    __slots__ = ("pk", "start", "end", "event_id", "event", "rooms", "day_total")


class _Room:
    """A room or item booked for a line: its name and the allocation's status."""

    __slots__ = ("name", "status")


LINE_VALUES = ("pk", "start", "end", "event_id", *(f"event__{name}" for name in _LineEvent.__slots__))


@cache  # one per size: 32, 64… (a month shows at most 42 days × PER_DAY lines)
def _rooms_of(size: int):
    """The rooms and items booked for ``size`` occurrences (``o0``…), in the order they were booked:
    a query compiled once per process (core.prepared)."""

    @prepared(**{f"o{i}": -822_001 - i for i in range(size)})
    def rooms(**ids):
        return (Allocation.objects.filter(active=True, resource__isnull=False, occurrence_id__in=list(ids.values()))
                .order_by("occurrence_id", "pk").values_list("occurrence_id", "resource__name", "status"))

    return rooms


def _lines(rows) -> list[_Line]:
    """``_Line`` records for ``values(*LINE_VALUES)`` rows (and ``day_total`` when there), with
    their rooms and items in one query, in the order they were booked."""
    lines = []
    for row in rows:
        line, event = _Line(), _LineEvent()
        line.pk, line.start, line.end, line.event_id, line.day_total = row["pk"], row["start"], row["end"], row["event_id"], row.get("day_total")
        for name in _LineEvent.__slots__:
            setattr(event, name, row[f"event__{name}"])
        line.event, line.rooms = event, []
        lines.append(line)
    if lines:
        by_pk = {line.pk: line for line in lines}
        # A power of two of ids (at least 32; the last one repeated), so that few queries are compiled.
        ids = list(by_pk)
        size = max(32, 1 << (len(ids) - 1).bit_length())
        ids += [ids[-1]] * (size - len(ids))
        for occurrence_id, name, status in _rooms_of(size)(**{f"o{i}": pk for i, pk in enumerate(ids)}):
            room = _Room()
            room.name, room.status = name, status
            by_pk[occurrence_id].rooms.append(room)
    return lines


class _ByValue(Func):
    """A column as it is, in an ORDER BY: on SQLite written ``+column``, so that its planner does not
    walk the (organisation, start) index from the organisation's first occurrence to reach the
    period (three years of history at 10×), but reads the period's occurrences by their end and
    sorts those (issue 14). The same order; elsewhere the plain column."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _visible(request):
    """Occurrences this person may see: published events, and their own drafts (read as lines: ``_lines``)."""
    qs = Occurrence.objects.for_organisation(request.organisation).filter(cancelled=False)
    if not request.membership.has_role("coordinator", "director"):
        qs = qs.filter(Q(event__status=Event.Status.PUBLISHED) | Q(event__created_by=request.user))
    return qs


def _allocated(resource_id=None, user_id=None):
    allocs = Allocation.objects.filter(occurrence=OuterRef("pk"), active=True)
    if resource_id:
        allocs = allocs.filter(resource_id=resource_id)
    if user_id:
        allocs = allocs.filter(membership__user_id=user_id)
    return Exists(allocs)


def mine(user):
    """« Mon planning »: what the person is on (allocated), the rooms and items they booked, and
    the events they created themselves — except the shifts of a team planning they published for
    others (the coordinator is the author of every shift, not on them)."""
    booked = Allocation.objects.filter(occurrence=OuterRef("pk"), active=True, resource__isnull=False, booked_by=user)
    return _allocated(user_id=user.pk) | Exists(booked) | (Q(event__created_by=user) & ~Q(event__kind=Event.Kind.SHIFT))


def _parse_day(value) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


def _window(view: str, day: date) -> tuple[date, date]:
    if view == "jour":
        return day, day + timedelta(days=1)
    if view == "semaine":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=7)
    if view == "mois":
        first = day.replace(day=1)
        start = first - timedelta(days=first.weekday())
        nxt = (first + timedelta(days=32)).replace(day=1)
        end = nxt + timedelta(days=(7 - nxt.weekday()) % 7)
        return start, end
    return day, day + timedelta(days=31)


def _moment(d: date) -> datetime:
    return datetime.combine(d, datetime.min.time(), tzinfo=PARIS)


def _person(organisation, pk: int):
    member = Membership.objects.for_organisation(organisation).filter(user_id=pk).select_related("user").only(
        "pk", "user__id", "user__first_name", "user__last_name", "user__username").first()
    return (pk, str(member.user)) if member else None


def _room(organisation, pk: int):
    name = Resource.objects.for_organisation(organisation).filter(pk=pk).values_list("name", flat=True).first()
    return (pk, name) if name is not None else None


FILTER_PICKERS = {
    # parameter: (matcher, the one selected by id, « several » message, « none » message)
    "personne": (match_people, _person, _lazy("Several people match « %(text)s »:"), _lazy("Nobody matches « %(text)s »: check the spelling, or type part of the name.")),
    "ressource": (match_resources, _room, _lazy("Several rooms or items match « %(text)s »:"), _lazy("No room or item matches « %(text)s »: check the spelling, or type part of the name.")),
}


def _picked(organisation, key: str, raw: str) -> dict:
    """A person or room filter as typed: an id (links, the search box), or a name matched
    accent-insensitively (the form without JavaScript): the one found, or a short list."""
    raw = raw.strip()[:100]
    match, by_id, several, none = FILTER_PICKERS[key]
    if not raw:
        return {"value": ""}
    if raw.isdigit() and len(raw) < 19:
        found = by_id(organisation, int(raw))
        # An unknown id still filters (nothing is shown), as links always did.
        return {"id": raw, "value": found[1] if found else ""}
    found, more, exact = match(organisation, raw)
    if len(found) == 1 or exact == 1:
        return {"id": str(found[0][0]), "value": found[0][1]}
    if not found:
        return {"value": raw, "message": none % {"text": raw}}
    return {"value": raw, "message": several % {"text": raw}, "choices": found, "more": more}


def index(request):
    view = request.GET.get("vue") if request.GET.get("vue") in VIEWS else "liste"
    day = _parse_day(request.GET.get("date"))
    start, end = _window(view, day)
    qs = _visible(request).filter(start__lt=_moment(end), end__gt=_moment(start))
    filters = {}
    person = _picked(request.organisation, "personne", request.GET.get("personne", ""))
    resource = _picked(request.organisation, "ressource", request.GET.get("ressource", ""))
    sector_id = request.GET.get("secteur", "")
    if "id" in resource:
        qs = qs.filter(_allocated(resource_id=int(resource["id"])))
        filters["ressource"] = resource["id"]
    if "id" in person:
        qs = qs.filter(_allocated(user_id=int(person["id"])))
        filters["personne"] = person["id"]
    if sector_id.isdigit():
        qs = qs.filter(event__sector_id=int(sector_id))
        filters["secteur"] = sector_id
    if request.GET.get("moi"):
        qs = qs.filter(mine(request.user))
        filters["moi"] = "1"
    search = request.GET.get("q", "").strip()[:100]
    if search:
        qs = qs.filter(event__title__icontains=search)
        filters["q"] = search
    query = urlencode(filters)
    for key, picked in (("personne", person), ("ressource", resource)):
        if picked.get("choices"):
            others = urlencode({k: v for k, v in filters.items() if k != key})
            picked["links"] = [(name, f"?vue={view}&date={day.isoformat()}&{others}&{key}={pk}") for pk, name in picked["choices"]]
    context = {
        "view": view, "day": day, "day_iso": day.isoformat(), "start": start, "end": end - timedelta(days=1), "filters": filters, "query": query, "search": search,
        "person": person, "resource": resource,
        "sectors": Sector.objects.for_organisation(request.organisation).only("pk", "name"),
        "previous": _step(view, day, -1), "next": _step(view, day, 1), "today": timezone.localdate(),
    }
    if view == "liste":
        # By start, then as the (organisation, start) index had them: by id.
        lines = qs.values(*LINE_VALUES).order_by(_ByValue("start"), "pk")
        context["page_obj"] = page = Paginator(lines, 25).get_page(request.GET.get("page"))
        page.object_list = _lines(page.object_list)
        context["page_query"] = f"{query}&vue=liste&date={day.isoformat()}"
    else:
        context["days"] = _days(start, end, qs, limit=PER_DAY if view != "jour" else 200)
        if view == "mois":
            context["weeks"] = [context["days"][i:i + 7] for i in range(0, len(context["days"]), 7)]
    return render(request, "agenda/index.html", context)


def filter_search(request):
    """The planning's search box (JSON): at most ``FILTER_MATCHES`` of the organisation's
    members (``type=personne``) or rooms and items (``type=ressource``) whose name holds what is
    typed (``q``), accents and case ignored. One query."""
    key = request.GET.get("type", "")
    if key not in FILTER_PICKERS:
        return JsonResponse({"detail": _("Choose what to look for: a person or a room."), "results": []}, status=400)
    text = " ".join(request.GET.get("q", "").split())[:100]
    if not text:
        return JsonResponse({"results": [], "more": False, "message": _("Type part of a name.")})
    found, more, _exact = FILTER_PICKERS[key][0](request.organisation, text)
    message = "" if found else (_("Nobody matches this name.") if key == "personne" else _("No room or item matches this name."))
    return JsonResponse({"results": [{"id": pk, "name": name} for pk, name in found], "more": more, "message": message})


def _step(view, day: date, direction: int) -> date:
    if view == "jour":
        return day + timedelta(days=direction)
    if view == "mois":
        return (day.replace(day=1) + timedelta(days=32 * direction if direction > 0 else -1)).replace(day=1)
    return day + timedelta(days=7 * direction) if view == "semaine" else day + timedelta(days=31 * direction)


def _days(start: date, end: date, occurrences, *, limit: int) -> list[dict]:
    """The days of a period with at most ``limit`` occurrences each (one query, ranked per
    local day by a window function) and how many more there are: the page stays the same
    size whatever the number of events."""
    local_day = TruncDate("start", tzinfo=PARIS)
    ranked = occurrences.annotate(
        rank=Window(RowNumber(), partition_by=[local_day], order_by=[F("start").asc(), F("pk").asc()]),
        day_total=Window(Count("pk"), partition_by=[local_day]),
    ).filter(rank__lte=limit).values(*LINE_VALUES, "day_total")
    days = {start + timedelta(days=i): [] for i in range((end - start).days)}
    totals = dict.fromkeys(days, 0)
    for occ in _lines(ranked):
        d = timezone.localtime(occ.start).date()
        if d in days:
            days[d].append(occ)
            totals[d] = occ.day_total
    return [{"date": d, "iso": d.isoformat(), "label": capfirst(date_format(d, "l j F")), "items": items, "more": totals[d] - len(items)}
            for d, items in days.items()]


def new_event(request):
    if request.GET.get("type") == Event.Kind.MEETING and meetings_elsewhere():
        # A meeting is created by the meetings form (minutes, invitations), never here.
        url = reverse("meetings:new", kwargs={"org": request.organisation.slug})
        return redirect(f"{url}?date={_parse_day(request.GET.get('date')).isoformat()}")
    membership = request.membership
    initial = {"day": _parse_day(request.GET.get("date"))}
    resource_id = request.GET.get("ressource", "")
    if resource_id.isdigit():
        resource = get_object_or_404(Resource.objects.for_organisation(request.organisation), pk=resource_id)
        initial.update(resources=[resource], kind=Event.Kind.BOOKING)
    if request.GET.get("type") in Event.Kind.values:
        initial["kind"] = request.GET["type"]
    form = EventForm(request.POST or None, initial=initial, organisation=request.organisation, membership=membership)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.create_event(
                membership, title=data["title"], start=data["start"], end=data["end"], kind=data["kind"],
                resources=data["resources"], people=data["people"], rrule=data["rrule"], sector=data["sector"],
                place=data["place"], description=data["description"], overbook_reason=data["overbook_reason"],
                skip_conflicting=data["skip_conflicting"], request=request,
            )
        except services.ConflictError as error:
            conflict = error
            form.add_error(None, error.message)
        except ValidationError as error:
            apply_errors(form, error, RENAMED)
        except PermissionDenied:
            form.add_error("kind", _("You may not create this kind of event."))
        else:
            if result.skipped:
                messages.warning(request, _("Booked, except %(n)s dates that were already taken.") % {"n": len({c.candidate.ref for c in result.skipped})})
            elif any(policies.needs_approval(membership, r) for r in data["resources"]):
                messages.success(request, _("Request sent: the booking waits for approval."))
            else:
                messages.success(request, _("Saved."))
            # A vehicle's booking may have opened its procedure's draft: go and complete it.
            return redirect(hooks.booking_redirect_url(request, result.event) or reverse("agenda:event", kwargs={"org": request.organisation.slug, "pk": result.event.pk}))
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    return render(request, "agenda/event_form.html", {
        "form": form, "conflict": conflict, "conflict_partial": _conflict_context(conflict),
        "suggestions": suggestions_context(request.organisation, conflict, data.get("start"), data.get("end"),
                                           data.get("resources", ()), data.get("people", ())),
    })


def _conflict_context(error):
    if error is None:
        return None
    occurrences = {c.candidate.ref for c in error.conflicts}
    return {"messages": error.messages, "only_people": error.only_people, "overridable": error.overridable,
            "hard_people": error.hard_people, "count": len(occurrences), "conflicts": error.conflicts}


# The agenda services name the times and recurrence, the form its fields.
RENAMED = {"start": "start_time", "end": "end_time", "rrule": "repeat"}


@require_POST
def check(request):
    """Live conflict check while the form is being filled (htmx): nothing is saved. The
    title may still be empty; with no room, item or person chosen there is nothing to check."""
    form = EventForm(request.POST, organisation=request.organisation, membership=request.membership)
    form.fields["title"].required = False
    found, problem, checked = [], "", False
    if form.is_valid():
        data = form.cleaned_data
        if data["resources"] or data["people"]:
            occurrences = [(s, e) for s, e, _o in expand(data["start"], data["end"], data["rrule"])]
            found = engine.check(request.organisation, occurrences, list(data["resources"]), [m.user_id for m in data["people"]])
            checked = True
    elif form.errors:
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else ""
        problem = f"{label} : {errors[0]}" if label else errors[0]
    return render(request, "agenda/partials/conflicts.html", {
        "checked": checked, "problem": problem, "messages_list": [services.describe(c) for c in found[:20]],
        "more": max(0, len(found) - 20), "overridable": services.overridable(found),
        "hard_people": services.ConflictError(found).hard_people,
    })


AVAILABILITY_LABELS = {
    engine.FREE: _lazy("free"),
    engine.SHIFT: _lazy("on a shift, %(start)s–%(end)s"),
    engine.MEETING: _lazy("in a meeting, %(start)s–%(end)s"),
    engine.BUSY: _lazy("busy, %(start)s–%(end)s"),
    engine.CLOSED: _lazy("closed"),
    engine.LEAVE: _lazy("on leave"),
}


def availability_label(status: str, slot) -> str:
    """« en poste, 09:00–12:00 »: what the people picker shows next to a name (no event title:
    a colleague's meeting may be private)."""
    if slot is None or status not in (engine.SHIFT, engine.MEETING, engine.BUSY):
        return str(AVAILABILITY_LABELS[status])
    return str(AVAILABILITY_LABELS[status]) % {"start": timezone.localtime(slot.start).strftime("%H:%M"),
                                                "end": timezone.localtime(slot.end).strftime("%H:%M")}


def _parse_time(value):
    try:
        return datetime.strptime(value or "", "%H:%M").time()
    except ValueError:
        return None


def availability(request):
    """The people picker's availability of every member for a slot (JSON): ``day``, ``start``
    and ``end`` (HH:MM), ``exclude`` an occurrence (the meeting being changed). A fixed number
    of queries, however many people."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    start, end = _parse_time(request.GET.get("start")), _parse_time(request.GET.get("end"))
    if day is None or start is None or end is None or end <= start:
        return JsonResponse({"detail": _("Choose a date, a start time and a later end time."), "people": {}}, status=400)
    begins, ends = datetime.combine(day, start, tzinfo=PARIS), datetime.combine(day, end, tzinfo=PARIS)
    exclude = [int(request.GET["exclude"])] if request.GET.get("exclude", "").isdigit() and len(request.GET["exclude"]) < 19 else []
    members = dict(Membership.objects.for_organisation(request.organisation).active().values_list("user_id", "pk"))
    found = engine.availability(request.organisation, members, begins, ends, exclude_occurrences=exclude)
    return JsonResponse({"people": {str(members[uid]): {"status": status, "label": availability_label(status, slot)}
                                    for uid, (status, slot) in found.items()}})


def suggestions_context(organisation, error, start, end, resources=(), people=(), *, exclude_occurrences=()):
    """What a refused booking proposes (agenda/partials/suggestions.html): the next slots free
    for everyone asked, and rooms of the same capacity free at the time asked."""
    if error is None or start is None or end is None:
        return None
    found = engine.suggest(organisation, start, end, list(resources), [m.user_id for m in people], conflicts=error.conflicts,
                           exclude_occurrences=exclude_occurrences)
    if not found.slots and not found.rooms:
        return None
    return {"slots": found.slots, "rooms": found.rooms, "duration": end - start}


def _event_or_404(request, pk):
    event = get_object_or_404(Event.objects.for_organisation(request.organisation).select_related("sector", "created_by"), pk=pk)
    if not policies.can_see_event(request.membership, event):
        raise Http404
    return event


def event_detail(request, pk):
    event = _event_or_404(request, pk)
    now = timezone.now()
    occurrences = event.occurrences.filter(cancelled=False, end__gte=now - timedelta(days=1)).prefetch_related(
        Prefetch("allocations", queryset=Allocation.objects.filter(active=True).select_related("resource", "membership__user"))
    )
    page = Paginator(occurrences, 20).get_page(request.GET.get("page"))
    locked = services.is_locked(event)
    return render(request, "agenda/event.html", {
        "event": event, "page_obj": page, "locked": locked,
        "can_edit": policies.can_edit_event(request.membership, event, locked=locked),
    })


def event_ics(request, pk):
    event = _event_or_404(request, pk)
    body = ical.calendar(event.occurrences.filter(cancelled=False).select_related("event"), name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
    return response


def _occurrence_or_404(request, pk):
    occ = get_object_or_404(Occurrence.objects.for_organisation(request.organisation).select_related("event"), pk=pk)
    if not policies.can_see_event(request.membership, occ.event):
        raise Http404
    return occ


def move_occurrence(request, pk):
    occ = _occurrence_or_404(request, pk)
    if not policies.can_edit_event(request.membership, occ.event, locked=services.is_locked(occ.event)):
        raise PermissionDenied
    local = timezone.localtime(occ.start)
    form = MoveForm(request.POST or None, initial={
        "day": local.date(), "start_time": local.time(), "end_time": timezone.localtime(occ.end).time(), "scope": "this"})
    conflict = suggestions = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.edit_occurrence(request.membership, occ, data["scope"], start=data["start"], end=data["end"], request=request)
        except services.ConflictError as error:
            conflict = error
            form.add_error(None, error.message)
            booked = list(Allocation.objects.filter(occurrence=occ, active=True).select_related("resource", "membership"))
            suggestions = suggestions_context(request.organisation, error, data["start"], data["end"],
                                              [a.resource for a in booked if a.resource_id], [a.membership for a in booked if a.membership_id],
                                              exclude_occurrences=[occ.pk])
        except ValidationError as error:
            apply_errors(form, error, RENAMED)
        else:
            messages.success(request, _("Saved."))
            return redirect("agenda:event", org=request.organisation.slug, pk=target.pk)
    return render(request, "agenda/move.html", {"form": form, "occurrence": occ, "conflict_partial": _conflict_context(conflict),
                                                "suggestions": suggestions})


@require_POST
def move_check(request, pk):
    """Live check of the « change a date » form (htmx): the change is made in a transaction
    that is rolled back, so the check is exactly the one of saving, for each scope."""
    from django.db import transaction

    occ = _occurrence_or_404(request, pk)
    if not policies.can_edit_event(request.membership, occ.event, locked=services.is_locked(occ.event)):
        raise PermissionDenied
    form = MoveForm(request.POST)
    context = {"checked": False, "problem": "", "messages_list": [], "more": 0, "overridable": False, "hard_people": False}
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.edit_occurrence(request.membership, occ, data["scope"], start=data["start"], end=data["end"])
                transaction.set_rollback(True)
        except services.ConflictError as error:
            context.update(messages_list=error.messages[:20], more=max(0, len(error.messages) - 20), overridable=error.overridable,
                           hard_people=error.hard_people)
        except ValidationError as error:
            context["problem"] = error.messages[0]
        else:
            context["checked"] = True
    elif form.errors:
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else ""
        context["problem"] = f"{label} : {errors[0]}" if label else errors[0]
    return render(request, "agenda/partials/conflicts.html", context)


def cancel_occurrence(request, pk):
    occ = _occurrence_or_404(request, pk)
    if not policies.can_edit_event(request.membership, occ.event, locked=services.is_locked(occ.event)):
        raise PermissionDenied
    if request.method == "POST":
        scope = request.POST.get("scope") if request.POST.get("scope") in ("this", "following", "all") else "this"
        services.cancel_occurrence(request.membership, occ, scope, request=request)
        messages.success(request, _("Cancelled."))
        return redirect("agenda:index", org=request.organisation.slug)
    return render(request, "agenda/cancel.html", {"occurrence": occ})


def pending(request):
    """Bookings of moderated rooms and items waiting for this manager's decision."""
    kinds = [k for k in Resource.Kind.values if policies.can_manage_resource(request.membership, Resource(kind=k))]
    if not kinds:
        raise PermissionDenied
    qs = (Allocation.objects.for_organisation(request.organisation)
          .filter(status=Allocation.Status.PENDING, resource__kind__in=kinds)
          .select_related("resource", "occurrence__event", "booked_by").order_by("start"))
    if request.method == "POST":
        allocation = get_object_or_404(qs, pk=request.POST.get("allocation", "0") if request.POST.get("allocation", "").isdigit() else 0)
        approve = request.POST.get("decision") == "approve"
        try:
            services.decide(request.membership, allocation, approve, request=request)
            messages.success(request, _("Booking approved.") if approve else _("Booking refused."))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect("agenda:pending", org=request.organisation.slug)
    return render(request, "agenda/pending.html", {"page_obj": Paginator(qs, 25).get_page(request.GET.get("page")), "query": ""})


def resource_detail(request, pk):
    resource = get_object_or_404(Resource.objects.for_organisation(request.organisation), pk=pk)
    day = _parse_day(request.GET.get("date"))
    if "date" not in request.GET and day.weekday() == 6:
        # On a Sunday the useful week is the coming one (Monday's), not the one ending today.
        day += timedelta(days=1)
    start, end = _window("semaine", day)
    qs = _visible(request).filter(_allocated(resource_id=resource.pk), start__lt=_moment(end), end__gt=_moment(start))
    return render(request, "agenda/resource.html", {
        "resource": resource, "days": _days(start, end, qs, limit=PER_DAY), "day": day, "monday": start,
        "previous": day - timedelta(days=7), "next": day + timedelta(days=7),
        "can_book": policies.can_book(request.membership, resource),
        "can_manage": policies.can_manage_resource(request.membership, resource),
        "needs_approval": policies.needs_approval(request.membership, resource),
    })


def feeds(request):
    """The personal iCalendar subscription: create (or replace) and revoke the secret URL."""
    raw = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_token(request.membership, request=request)
            messages.success(request, _("The subscription address no longer works."))
            return redirect("agenda:feeds", org=request.organisation.slug)
        raw = services.new_calendar_token(request.membership, request=request)
    has_token = raw is not None or CalendarToken.objects.filter(user=request.user, organisation=request.organisation).exists()
    url = request.build_absolute_uri(reverse("agenda:feed", kwargs={"token": raw})) if raw else ""
    rooms = Resource.objects.for_organisation(request.organisation).filter(is_active=True)
    return render(request, "agenda/feeds.html", {"url": url, "raw": raw, "has_token": has_token, "rooms": rooms})


def _token_or_404(token: str) -> CalendarToken:
    found = CalendarToken.objects.select_related("user", "organisation").filter(token_hash=CalendarToken.hash(token)).first()
    if found is None or not found.user.is_active or not Membership.objects.filter(user=found.user, organisation=found.organisation).active().exists():
        raise Http404
    return found


def feed(request, token):
    """Personal feed (no session: the secret token is the key): « Mon planning » (see ``mine``)."""
    found = _token_or_404(token)
    since = timezone.now() - timedelta(days=60)
    qs = Occurrence.objects.for_organisation(found.organisation).filter(cancelled=False, end__gte=since).filter(
        mine(found.user)).select_related("event")[:2000]
    return HttpResponse(ical.calendar(qs, name=_("My planning")), content_type="text/calendar; charset=utf-8")


def resource_feed(request, token, pk):
    found = _token_or_404(token)
    resource = get_object_or_404(Resource.objects.for_organisation(found.organisation), pk=pk)
    since = timezone.now() - timedelta(days=60)
    qs = Occurrence.objects.for_organisation(found.organisation).filter(cancelled=False, end__gte=since, event__status=Event.Status.PUBLISHED).filter(
        _allocated(resource_id=resource.pk)).select_related("event")[:2000]
    return HttpResponse(ical.calendar(qs, name=resource.name), content_type="text/calendar; charset=utf-8")


def resources(request):
    queryset = Resource.objects.for_organisation(request.organisation).filter(is_active=True)
    kind = request.GET.get("type")
    if kind in Resource.Kind.values:
        queryset = queryset.filter(kind=kind)
    search = request.GET.get("q", "").strip()
    if search:
        queryset = queryset.filter(name__icontains=search)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "agenda/resources.html", {
        "page_obj": page, "kinds": Resource.Kind.choices, "kind": kind, "search": search,
        "query": f"type={kind or ''}&q={search}",
    })


def resource_photo(request, pk):
    """A room's or item's photo (``?taille=petite``: the thumbnail), to members of its
    organisation only (the tenancy middleware and the scoped queryset); never from /media/."""
    from django.core.files.storage import default_storage

    resource = get_object_or_404(Resource.objects.for_organisation(request.organisation).only("pk", "photo"), pk=pk)
    if not resource.photo:
        raise Http404
    name = services.thumbnail_name(resource.photo.name) if request.GET.get("taille") == "petite" else resource.photo.name
    try:
        handle = default_storage.open(name, "rb")
    except OSError:  # the row exists, the file is gone (restored database, cleaned disk)
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def resource_photo_edit(request, pk):
    resource = get_object_or_404(Resource.objects.for_organisation(request.organisation), pk=pk)
    if not policies.can_manage_resource(request.membership, resource):
        raise PermissionDenied
    form = RoomPhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            services.remove_resource_photo(request.membership, resource, request=request)
            messages.success(request, _("Photo removed."))
            return redirect("agenda:resource", org=request.organisation.slug, pk=resource.pk)
        if form.is_valid():
            try:
                services.set_resource_photo(request.membership, resource, form.cleaned_data["photo"], request=request)
            except ValidationError as error:
                apply_errors(form, error, RENAMED)
            else:
                messages.success(request, _("Photo saved."))
                return redirect("agenda:resource", org=request.organisation.slug, pk=resource.pk)
    return render(request, "agenda/resource_photo.html", {"resource": resource, "form": form})
