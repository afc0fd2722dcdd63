"""Forms of the events of a space."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.agenda.forms import slot_from_fields
from maillon.agenda.models import Resource
from maillon.meetings.forms import MeetingForm
from maillon.meetings.models import Meeting, MeetingType, Series

from .services import MAX_CAPACITY

MEETING_FIELDS = MeetingForm.base_fields


def capacity_field():
    return forms.IntegerField(label=_("Places"), min_value=1, max_value=MAX_CAPACITY, initial=20,
                              help_text=_("Beyond that, people who register go on the waiting list."))


class CapacityForm(forms.Form):
    capacity = capacity_field()


class EventForm(forms.Form):
    """A new meeting of the owner organisation, opened to the space's members."""

    # The meetings app's own fields (labels, widgets, limits), the same on both forms.
    title = MEETING_FIELDS["title"]
    meeting_type = MEETING_FIELDS["meeting_type"]
    series = forms.ModelChoiceField(label=_("Series"), queryset=Series.objects.none(), required=False,
                                    help_text=_("For example « 3 réunions annuelles »: the minutes and open tasks follow from one meeting to the next."))
    new_series = MEETING_FIELDS["new_series"]
    day = MEETING_FIELDS["day"]
    start_time = MEETING_FIELDS["start_time"]
    end_time = MEETING_FIELDS["end_time"]
    room = MEETING_FIELDS["room"]
    capacity = capacity_field()
    objective = MEETING_FIELDS["objective"]
    agenda = MEETING_FIELDS["agenda"]

    def __init__(self, *args, organisation, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].queryset = MeetingType.objects.for_organisation(organisation)
        self.fields["meeting_type"].choices = [(t.pk, t.name) for t in types]
        self.fields["series"].queryset = Series.objects.for_organisation(organisation)
        self.fields["room"].queryset = (Resource.objects.for_organisation(organisation)
                                        .filter(is_active=True, kind=Resource.Kind.ROOM).order_by("name"))

    def clean(self):
        data = super().clean()
        slot_from_fields(self, data)
        return data


class LinkForm(forms.Form):
    """An existing meeting of the owner organisation, opened to the space's members."""

    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), empty_label=None)
    capacity = capacity_field()

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.title} — {m.start:%d/%m/%Y}"
