"""Forms of the meetings app."""

from __future__ import annotations

from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillon.accounts.models import Membership
from maillon.agenda.forms import (
    DateInput,
    PeopleField,
    PeoplePicker,
    TimeInput,
    people_field,
    slot_from_fields,
)
from maillon.agenda.models import Resource
from maillon.directory.models import Contact

from .models import MeetingType, Outcome, Series


def _members(organisation):
    return Membership.objects.for_organisation(organisation).active().select_related("user").order_by("user__last_name", "user__first_name")


def _label(m):
    return m.user.get_full_name() or m.user.username


def _resource_fields(form, organisation) -> None:
    """The active rooms and items of the organisation, for the ``room`` and ``equipment`` fields;
    an organisation without any equipment is not shown an empty « Equipment » field."""
    resources = Resource.objects.for_organisation(organisation).filter(is_active=True).order_by("name")
    form.fields["room"].queryset = resources.filter(kind=Resource.Kind.ROOM)
    form.fields["equipment"].queryset = items = resources.filter(kind=Resource.Kind.EQUIPMENT)
    if not items.exists():
        del form.fields["equipment"]


class MeetingDetailsForm(forms.Form):
    """Who and what: the title, the participants, the external guests, the objective, the agenda."""

    title = forms.CharField(label=_("Title"), max_length=200)
    people = PeopleField(label=_("Participants"), queryset=Membership.objects.none(), required=False, widget=PeoplePicker)
    contacts = forms.ModelMultipleChoiceField(label=_("External contacts (directory)"), queryset=Contact.objects.none(), required=False,
                                              widget=PeoplePicker,
                                              help_text=_("Invited by e-mail with the calendar invitation; they answer from the e-mail."))
    overbook_reason = forms.CharField(
        label=_("Reason for inviting someone on a shift"), max_length=300, required=False,
        help_text=_("Coordinators only: fill in to invite someone who is on a shift at that time. "
                    "Leave and other meetings cannot be overridden."),
    )
    objective = forms.CharField(label=_("Objective"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)
    agenda = forms.CharField(label=_("Agenda (one item per line)"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                             max_length=5000)

    def __init__(self, *args, organisation, sector=None, slot=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker shows who is free at the chosen time (``slot``: a meeting's fixed time).
        people_field(self, organisation, on_shift=self.initial.get("people", ()), sector=sector, first_label=_("Invited"),
                     availability=True, slot=slot)
        self.fields["contacts"].queryset = contacts = (Contact.objects.for_organisation(organisation).exclude(email="")
                                                       .select_related("partner").order_by("name"))
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} — {c.partner.name}"
        if not contacts.exists():  # nobody in the directory to invite: no empty field
            del self.fields["contacts"]


class MeetingForm(MeetingDetailsForm):
    """A new meeting: who and what, its type and series, when, the room and the equipment."""

    meeting_type = forms.ModelChoiceField(label=_("Type"), queryset=MeetingType.objects.none(), empty_label=None)
    series = forms.ModelChoiceField(label=_("Series"), queryset=Series.objects.none(), required=False,
                                    help_text=_("Minutes and open tasks follow from one meeting of a series to the next."))
    new_series = forms.BooleanField(label=_("Start a new series with this meeting"), required=False)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput(), initial=time(14, 0))
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput(), initial=time(16, 0))
    room = forms.ModelChoiceField(label=_("Room"), queryset=Resource.objects.none(), required=False, empty_label=_("No room"))
    equipment = forms.ModelMultipleChoiceField(label=_("Equipment"), queryset=Resource.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text=_("Booked with the room: the agenda checks that it is free."))
    field_order = ["title", "meeting_type", "series", "new_series", "day", "start_time", "end_time", "room", "equipment",
                   "people", "overbook_reason", "contacts", "objective", "agenda"]
    # A long form in titled sections (ui/partials/form.html).
    field_sections = [
        (_("What"), ["title", "meeting_type", "series", "new_series"]),
        (_("When and where"), ["day", "start_time", "end_time", "room", "equipment"]),
        (_("Who"), ["people", "overbook_reason", "contacts"]),
        (pgettext_lazy("meeting", "Agenda"), ["objective", "agenda"]),
    ]

    def __init__(self, *args, organisation, types, sector=None, **kwargs):
        super().__init__(*args, organisation=organisation, sector=sector, **kwargs)
        self.fields["meeting_type"].queryset = MeetingType.objects.for_organisation(organisation)
        self.fields["meeting_type"].choices = [(t.pk, t.name) for t in types]
        self.fields["series"].queryset = Series.objects.for_organisation(organisation)
        _resource_fields(self, organisation)

    def clean(self):
        data = super().clean()
        slot_from_fields(self, data)
        return data


class MeetingEditForm(MeetingDetailsForm):
    field_sections = [
        (_("Who"), ["people", "overbook_reason", "contacts"]),
        (_("Title and agenda"), ["title", "objective", "agenda", "inform"]),
    ]
    inform = forms.BooleanField(label=_("Send the new title, objective or agenda to the participants"), required=False,
                                initial=True, help_text=_("People added are always invited, people removed always told."))


class TaskForm(forms.Form):
    description = forms.CharField(label=_("Task"), max_length=300)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=Membership.objects.none())
    due = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _members(organisation)
        self.fields["assignee"].label_from_instance = _label


class OutcomeForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Agenda item"), coerce=int)
    kind = forms.ChoiceField(label=_("Outcome"), choices=Outcome.Kind.choices, widget=forms.RadioSelect, initial=Outcome.Kind.INFORMATION)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    assignee = forms.ModelChoiceField(label=_("Assignee (for a task)"), queryset=Membership.objects.none(), required=False)
    due = forms.DateField(label=_("Due date (for a task)"), widget=DateInput(), required=False)

    def __init__(self, *args, organisation, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i, f"{i}. {title}") for i, title in enumerate(meeting.agenda_items, start=1)] + [
            (0, _("Other business"))]
        self.fields["assignee"].queryset = _members(organisation)
        self.fields["assignee"].label_from_instance = _label

    def clean(self):
        data = super().clean()
        if data.get("kind") == Outcome.Kind.TASK and not data.get("assignee"):
            self.add_error("assignee", _("Choose who does the task."))
        return data


class OutcomeEditForm(OutcomeForm):
    """Correct an outcome: item and text; for a task, its assignee and due date. The kind stays."""

    def __init__(self, *args, outcome, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        if outcome.kind == Outcome.Kind.TASK:
            self.fields["assignee"].label, self.fields["assignee"].required = _("Assignee"), True
            self.fields["due"].label = _("Due date")
        else:
            del self.fields["assignee"], self.fields["due"]


class RescheduleForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput())
    room = forms.ModelChoiceField(label=_("Room"), queryset=Resource.objects.none(), required=False, empty_label=_("No room"))
    equipment = forms.ModelMultipleChoiceField(label=_("Equipment"), queryset=Resource.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        _resource_fields(self, organisation)

    def clean(self):
        data = super().clean()
        slot_from_fields(self, data)
        return data


class MeetingTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    sections = forms.CharField(label=_("Minutes sections (one per line)"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    default_invitees = PeopleField(label=_("Invited by default"), queryset=Membership.objects.none(), required=False,
                                   widget=PeoplePicker)
    is_board = forms.BooleanField(label=_("Board meeting: records the quorum and numbered deliberations"), required=False)
    is_funder = forms.BooleanField(label=_("Funder meeting: can add a follow-up deadline to the funding planning"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        people_field(self, organisation, name="default_invitees", on_shift=self.initial.get("default_invitees", ()),
                     first_label=_("Invited by default"))


class QuorumForm(forms.Form):
    voting_members = forms.IntegerField(label=_("Members with voting rights"), min_value=1, max_value=10000)
    voting_present = forms.IntegerField(label=_("Present or represented"), min_value=0, max_value=10000)


class FundingFollowupForm(forms.Form):
    title = forms.CharField(label=_("Deadline"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=DateInput())
