"""Forms of the agenda: create an event or a booking, move an occurrence."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.accounts.models import Membership
from maillon.organisations.models import Sector

from .models import Event, Resource
from .recurrence import PARIS, build_rule

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


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices, initial=Event.Kind.BOOKING)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput(), initial=time(10, 0))
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput(), initial=time(11, 0))
    resources = forms.ModelMultipleChoiceField(
        label=_("Rooms and equipment"), queryset=Resource.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )
    people = forms.ModelMultipleChoiceField(label=_("People"), queryset=Membership.objects.none(), required=False,
                                            help_text=_("Hold Ctrl (or Cmd) to choose several people."))
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, required=False)
    until = forms.DateField(label=_("Until"), widget=DateInput(), required=False, help_text=_("Last date of the series."))
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    overbook_reason = forms.CharField(
        label=_("Reason for booking a busy person"), max_length=300, required=False,
        help_text=_("Coordinators only: fill in to book someone who is already busy."),
    )
    skip_conflicting = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = Resource.objects.for_organisation(organisation).filter(is_active=True)
        self.fields["people"].queryset = (
            Membership.objects.for_organisation(organisation).active().select_related("user").order_by("user__last_name", "user__first_name")
        )
        self.fields["people"].label_from_instance = lambda m: m.user.get_full_name() or m.user.username
        self.fields["sector"].queryset = Sector.objects.for_organisation(organisation)
        allowed = [c for c in Event.Kind.choices if c[0] != Event.Kind.FUNDING or membership.has_role("director")]
        self.fields["kind"].choices = allowed

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["start"] = datetime.combine(day, start, tzinfo=PARIS)
            data["end"] = datetime.combine(day, end, tzinfo=PARIS)
            if data["end"] <= data["start"]:
                self.add_error("end_time", _("The end must be after the start."))
        repeat = data.get("repeat")
        until = data.get("until")
        if repeat and until and day and until < day:
            self.add_error("until", _("The last date must be after the first one."))
        data["rrule"] = build_rule(repeat, until=until, count=None if until else 52) if repeat else ""
        return data


class MoveForm(forms.Form):
    SCOPES = [("this", _("This date only")), ("following", _("This date and the following ones")), ("all", _("All dates"))]

    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput())
    scope = forms.ChoiceField(label=_("Apply to"), choices=SCOPES, initial="this", widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["start"] = datetime.combine(day, start, tzinfo=PARIS)
            data["end"] = datetime.combine(day, end, tzinfo=PARIS)
            if data["end"] <= data["start"]:
                self.add_error("end_time", _("The end must be after the start."))
        return data
