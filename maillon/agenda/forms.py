"""Forms of the agenda: create an event or a booking, move an occurrence."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from maillon.accounts.models import Membership
from maillon.core.text import fold
from maillon.organisations.models import Sector

from .models import Event, Planning, Qualification, Resource, WorkProfile
from .recurrence import PARIS, build_rule


def slot_from_fields(form, data: dict) -> None:
    """``day`` + ``start_time`` / ``end_time`` → ``data["start"]`` and ``data["end"]`` (Europe/Paris),
    with a French error on the end time when it is not after the start. Shared by every form
    that books a slot (events, date changes, meetings)."""
    day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
    if day and start and end:
        data["start"] = datetime.combine(day, start, tzinfo=PARIS)
        data["end"] = datetime.combine(day, end, tzinfo=PARIS)
        if data["end"] <= data["start"]:
            form.add_error("end_time", _("The end must be after the start."))

REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    ("weekly", _("Every week")),
    ("biweekly", _("Every two weeks")),
    ("monthly", _("Every month")),
    ("quarterly", _("Every quarter")),
    ("yearly", _("Every year")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj.user)


def _members(organisation):
    return Membership.objects.for_organisation(organisation).active().select_related("user").order_by("user__last_name", "user__first_name")


class PeoplePicker(forms.CheckboxSelectMultiple):
    """Checkboxes of people in groups (on the shift, the sector's, the others), with a filter
    box that ``agenda/js/people.js`` reveals and runs (hidden without JavaScript). One
    template without per-option includes: a big team renders in a fraction of the time."""

    template_name = "agenda/widgets/people_picker.html"


def people_groups(members, *, on_shift=(), sector=None, first_label=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The choices of a people picker: the people already on the shift (or invited: whoever
    ``first_label`` names; memberships or their ids) first, then the sector's (home sector),
    then everyone else; each group in the members' order."""
    on_shift = {m.pk if hasattr(m, "pk") else int(m) for m in on_shift if hasattr(m, "pk") or str(m).isdigit()}
    groups = [(first_label or _("On this shift"), []), (sector.name if sector else "", []), (_("Rest of the organisation"), [])]
    for m in members:
        index = 0 if m.pk in on_shift else 1 if sector is not None and m.sector_id == sector.pk else 2
        groups[index][1].append((str(m.pk), str(m.user)))
    if not on_shift and sector is None:  # one plain list
        return [("", groups[2][1])]
    return [(label, choices) for label, choices in groups if choices]


def people_field(form, organisation, *, name="people", on_shift=(), sector=None, first_label=None, availability=False,
                 slot=None) -> None:
    """Fill the people picker ``name`` of ``form`` with the organisation's active members, grouped.
    A form sent back with an error lists first the people ticked in it.

    ``availability``: the picker shows each person's availability (free, on a shift, in a
    meeting, on leave) for the form's date and times (its ``day``, ``start_time`` and
    ``end_time`` fields), or for ``slot`` = (start, end, occurrence id to leave out) when the
    time is fixed (a meeting's participants changed)."""
    if form.is_bound:
        on_shift = form[name].value() or ()
    field = form.fields[name]
    if availability:
        from django.urls import reverse

        attrs = field.widget.attrs
        attrs["availability_url"] = reverse("agenda:availability", kwargs={"org": organisation.slug})
        if slot is not None:
            start, end, exclude = (slot[0].astimezone(PARIS), slot[1].astimezone(PARIS), slot[2])
            attrs.update(availability_day=start.date().isoformat(), availability_start=start.strftime("%H:%M"),
                         availability_end=end.strftime("%H:%M"), availability_exclude=exclude or "")
    field.queryset = members = _members(organisation)
    # A callable: read when the widget is rendered (one query, the queryset keeps its rows),
    # never for a form that is only validated or not shown.
    field.widget.choices = lambda: people_groups(members, on_shift=on_shift, sector=sector, first_label=first_label)


def meetings_elsewhere() -> bool:
    """Whether the meetings app (its own form, with minutes and invitations) is installed."""
    return apps.is_installed("maillon.meetings")


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices, initial=Event.Kind.BOOKING)
    # ``live-check``: typing a date or time re-runs the live conflict check (event_form.html).
    day = forms.DateField(label=_("Date"), widget=DateInput(attrs={"class": "live-check"}))
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput(attrs={"class": "live-check"}), initial=time(10, 0))
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput(attrs={"class": "live-check"}), initial=time(11, 0))
    resources = forms.ModelMultipleChoiceField(
        label=_("Rooms and equipment"), queryset=Resource.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )
    people = PeopleField(label=_("People"), queryset=Membership.objects.none(), required=False, widget=PeoplePicker)
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, required=False)
    until = forms.DateField(label=_("Until"), widget=DateInput(), required=False, help_text=_("Last date of the series."))
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    overbook_reason = forms.CharField(
        label=_("Reason for booking a busy person"), max_length=300, required=False,
        help_text=_("Coordinators only: fill in to book someone who is on a shift. Leave and other meetings cannot be overridden."),
    )
    skip_conflicting = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # A long form in titled sections (ui/partials/form.html).
    field_sections = [
        (_("What"), ["title", "kind", "sector", "description"]),
        (_("When and where"), ["day", "start_time", "end_time", "repeat", "until", "resources", "place"]),
        (_("Who"), ["people", "overbook_reason"]),
    ]

    def __init__(self, *args, organisation, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = Resource.objects.for_organisation(organisation).filter(is_active=True)
        people_field(self, organisation, on_shift=self.initial.get("people", ()), sector=membership.sector, availability=True)
        self.fields["sector"].queryset = Sector.objects.for_organisation(organisation)
        allowed = [c for c in Event.Kind.choices if c[0] != Event.Kind.FUNDING or membership.has_role("director")]
        if meetings_elsewhere():
            # One entry point per intent: a meeting (minutes, invitations) is made by the meetings form.
            allowed = [c for c in allowed if c[0] != Event.Kind.MEETING]
        self.fields["kind"].choices = allowed

    def clean(self):
        data = super().clean()
        slot_from_fields(self, data)
        day, repeat, until = data.get("day"), data.get("repeat"), data.get("until")
        if repeat and until and day and until < day:
            self.add_error("until", _("The last date must be after the first one."))
        data["rrule"] = build_rule(repeat, until=until, count=None if until else 52) if repeat else ""
        return data


class MoveForm(forms.Form):
    SCOPES = [("this", _("This date only")), ("following", _("This date and the following ones")), ("all", _("All dates"))]

    day = forms.DateField(label=_("Date"), widget=DateInput(attrs={"class": "live-check"}))
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput(attrs={"class": "live-check"}))
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput(attrs={"class": "live-check"}))
    scope = forms.ChoiceField(label=_("Apply to"), choices=SCOPES, initial="this", widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        slot_from_fields(self, data)
        return data


# ---- team plannings and closures -------------------------------------------------------


class PlanningForm(forms.ModelForm):
    class Meta:
        model = Planning
        fields = ["title", "sector", "start_date", "end_date", "children_per_adult_under_6", "children_per_adult_from_6"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sectors


class ShiftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput(), initial=time(9, 0))
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput(), initial=time(12, 0),
                               help_text=_("An end before the start means the next day (night shift)."))
    supervisors_needed = forms.IntegerField(label=_("Supervisors needed"), min_value=0, max_value=50, initial=1)
    qualification = forms.ChoiceField(label=_("Qualification required"), choices=[("", _("None"))] + Qualification.choices, required=False)
    children_under_6 = forms.IntegerField(label=_("Children under 6"), min_value=0, max_value=500, initial=0)
    children_from_6 = forms.IntegerField(label=_("Children aged 6 and over"), min_value=0, max_value=500, initial=0)
    people = PeopleField(label=_("People"), queryset=Membership.objects.none(), required=False, widget=PeoplePicker)

    def __init__(self, *args, organisation, sector=None, on_shift=(), **kwargs):
        super().__init__(*args, **kwargs)
        people_field(self, organisation, on_shift=on_shift, sector=sector)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start_time") and data.get("end_time"):
            start = datetime.combine(data["day"], data["start_time"], tzinfo=PARIS)
            end = datetime.combine(data["day"], data["end_time"], tzinfo=PARIS)
            if end <= start:
                end = datetime.combine(data["day"] + timedelta(days=1), data["end_time"], tzinfo=PARIS)
            data["start"], data["end"] = start, end
        return data


class AssignForm(forms.Form):
    people = PeopleField(label=_("People"), queryset=Membership.objects.none(), required=False, widget=PeoplePicker)

    def __init__(self, *args, organisation, sector=None, on_shift=(), **kwargs):
        super().__init__(*args, **kwargs)
        people_field(self, organisation, on_shift=on_shift, sector=sector)


class WorkProfileForm(forms.Form):
    contract = forms.ChoiceField(label=_("Contract type"), choices=WorkProfile.Contract.choices)
    weekly_hours = forms.DecimalField(label=_("Weekly hours"), max_digits=4, decimal_places=1, required=False,
                                      help_text=_("Leave empty for no contractual limit (volunteers)."))
    qualifications = forms.MultipleChoiceField(label=_("Qualifications"), choices=Qualification.choices, required=False,
                                               widget=forms.CheckboxSelectMultiple)


class ClosureForm(forms.Form):
    resource = forms.ModelChoiceField(label=_("Room or item"), queryset=Resource.objects.none(), required=False,
                                      empty_label=_("The whole organisation"))
    first_day = forms.DateField(label=_("First day"), widget=DateInput())
    last_day = forms.DateField(label=_("Last day"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day"):
            if data["last_day"] < data["first_day"]:
                self.add_error("last_day", _("The last day must be on or after the first day."))
            else:
                data["start"] = datetime.combine(data["first_day"], time(0), tzinfo=PARIS)
                data["end"] = datetime.combine(data["last_day"] + timedelta(days=1), time(0), tzinfo=PARIS)
        return data


class ShiftEditForm(ShiftForm):
    """The shift form, filled from an existing shift; its date and times re-run the live check."""

    def __init__(self, *args, shift=None, **kwargs):
        # Read at most once: for the initial values, or when the people picker is rendered.
        people = shift.people.all() if shift is not None else []
        if shift is not None and not kwargs.get("initial"):
            start, end = shift.start.astimezone(PARIS), shift.end.astimezone(PARIS)
            kwargs["initial"] = {
                "title": shift.title, "day": start.date(), "start_time": start.time(), "end_time": end.time(),
                "supervisors_needed": shift.supervisors_needed, "qualification": shift.qualification,
                "children_under_6": shift.children_under_6, "children_from_6": shift.children_from_6,
                "people": list(people),
            }
        if shift is not None:
            kwargs.setdefault("on_shift", people)
            kwargs.setdefault("sector", shift.planning.sector)
        super().__init__(*args, **kwargs)
        for name in ("day", "start_time", "end_time"):
            self.fields[name].widget.attrs["class"] = "live-check"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.user)


class SwapForm(forms.Form):
    recipient = PersonField(label=_("Colleague"), queryset=Membership.objects.none())
    counter_shift = forms.ModelChoiceField(
        label=_("Their shift in exchange"), queryset=None, required=False, empty_label=_("None: I give my shift away"),
        help_text=_("Leave empty to give your shift; choose one of your colleague's shifts to exchange them."),
    )
    message = forms.CharField(label=_("Message"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, shift, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = _members(membership.organisation).exclude(pk=membership.pk)
        from . import pending

        # Swaps are between shifts as published (what the people were told; the service
        # refuses others): not the pending edits of the working copy, added shifts or people.
        candidates = shift.planning.shifts.exclude(pk=shift.pk)
        told = pending.published(shift.planning)
        shown = {}
        if told is None:
            candidates = candidates.exclude(people=membership)
        else:
            shown = {s.pk: s for s in pending.shifts_of(shift.planning, told) if membership.pk not in s.member_ids}
            candidates = candidates.filter(pk__in=list(shown))
        self.fields["counter_shift"].queryset = candidates.order_by("start")

        def label(s):
            s = shown.get(s.pk, s)
            return f"{s.title} — {s.start.astimezone(PARIS):%d/%m %H:%M}–{s.end.astimezone(PARIS):%H:%M}"

        self.fields["counter_shift"].label_from_instance = label


class RoomPhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP, 5 MB at most."))


# ---------------------------------------------------------------- the planning's filters
# The person and room filters are a text box, not a list of every member and room: the page
# renders only what is selected. The server matches a typed name (accents and case ignored);
# the search box (agenda/js/filter-picker.js) asks ``agenda:filter_search`` for at most
# ``FILTER_MATCHES`` names.

FILTER_MATCHES = 10


def _matching(rows, text: str, limit: int) -> tuple[list[tuple[int, str]], bool, int]:
    """``rows`` of (id, name, folded names…): those whose folded name holds every typed word
    (names typed in full first), at most ``limit``, whether there were more, and how many were
    typed in full."""
    words = fold(text).split()
    if not words:
        return [], False, 0
    wanted = " ".join(words)
    exact, partial = [], []
    for pk, name, *folded in rows:
        if wanted in folded:
            exact.append((pk, name))
        elif any(all(w in f for w in words) for f in folded):
            partial.append((pk, name))
    found = exact + partial
    return found[:limit], len(found) > limit, len(exact)


def match_people(organisation, text: str, limit: int = FILTER_MATCHES) -> tuple[list[tuple[int, str]], bool, int]:
    """The organisation's active members whose name matches ``text``: (user id, name). One
    query of three short columns, however the name is written."""
    rows = []
    for uid, first, last, username in Membership.objects.for_organisation(organisation).active().order_by(
            "user__last_name", "user__first_name").values_list("user_id", "user__first_name", "user__last_name", "user__username"):
        name = f"{first} {last}".strip() or username
        rows.append((uid, name, fold(f"{first} {last}"), fold(f"{last} {first}"), fold(username)))
    return _matching(rows, text, limit)


def match_resources(organisation, text: str, limit: int = FILTER_MATCHES) -> tuple[list[tuple[int, str]], bool, int]:
    """The organisation's bookable rooms and items whose name matches ``text``: (id, name)."""
    rows = [(pk, name, fold(name)) for pk, name in
            Resource.objects.for_organisation(organisation).filter(is_active=True).order_by("name").values_list("pk", "name")]
    return _matching(rows, text, limit)
