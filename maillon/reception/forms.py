"""Forms of the reception desk: the phone message (with the people picker showing who is present
today), the visitor notice, « mark handled », the history's search and the settings."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillon.accounts.models import Membership
from maillon.organisations.models import Sector

from . import phones
from .models import NOTE_MAX, NOTICE_TEXT_MAX, TEXT_MAX, PhoneMessage, ReceptionSettings

UNKNOWN_PERSON = _("Choose a person of the organisation.")


class RecipientPicker(forms.RadioSelect):
    """The agenda's people picker (its filter box, agenda/js/people.js) with one choice, and each
    person's presence today next to the name (``presence``: membership id -> directory Presence)."""

    template_name = "reception/widgets/recipient_picker.html"
    presence: dict = {}
    # Called once when the picker is drawn: (choices, presence). A form sent and valid is never
    # drawn, so it never reads everyone's presence today (a third of a message's POST).
    loader = None

    def get_context(self, name, value, attrs):
        if self.loader is not None:
            self.choices, self.presence = self.loader()
            self.loader = None
        return super().get_context(name, value, attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["presence"] = self.presence.get(int(str(value))) if str(value).isdigit() else None
        return option


def presence_of(organisation, memberships) -> dict:
    """membership id -> Presence today (the directory's rule), or {} without the directory app."""
    if not apps.is_installed("maillon.directory"):
        return {}
    from maillon.directory.presence import presence_today

    return presence_today(organisation, memberships)


class MessageForm(forms.Form):
    recipient = forms.ModelChoiceField(label=_("For"), queryset=Membership.objects.none(), widget=RecipientPicker,
                                       error_messages={"invalid_choice": UNKNOWN_PERSON, "required": UNKNOWN_PERSON})
    caller_name = forms.CharField(label=_("Caller"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    caller_number = forms.CharField(label=_("Caller's number"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
                                    help_text=_("Optional. 06 12 34 56 78 or +33 6 12 34 56 78."))
    text = forms.CharField(label=_("Message"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("At most %(max)s characters.") % {"max": TEXT_MAX})
    action = forms.ChoiceField(label=_("What to do"), choices=PhoneMessage.Action.choices, initial=PhoneMessage.Action.CALL_BACK,
                               widget=forms.RadioSelect)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=PhoneMessage.Urgency.choices, initial=PhoneMessage.Urgency.NORMAL,
                                widget=forms.RadioSelect)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        field.queryset = Membership.objects.for_organisation(organisation).active()
        chosen = str(self["recipient"].value() or "") if self.is_bound else ""

        def picker():
            people = list(Membership.objects.for_organisation(organisation).active().select_related("user")
                          .order_by("user__last_name", "user__first_name"))
            people.sort(key=lambda m: str(m.pk) != chosen)  # a form sent back shows the chosen person first
            return [(m.pk, m.user.display_name) for m in people], presence_of(organisation, people)

        field.widget.loader = picker
        field.widget.attrs["required"] = False

    def clean_caller_number(self):
        return phones.normalise(self.cleaned_data["caller_number"])


class NoticeForm(forms.Form):
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), widget=forms.RadioSelect,
                                    error_messages={"invalid_choice": _("Choose a sector of the organisation."),
                                                    "required": _("Choose a sector of the organisation.")})
    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=120, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}), help_text=_("Optional."))
    waiting = forms.BooleanField(label=_("Waiting at reception"), required=False)
    text = forms.CharField(label=_("Message"), max_length=NOTICE_TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Optional, at most %(max)s characters.") % {"max": NOTICE_TEXT_MAX})

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.for_organisation(organisation)
        self.fields["sector"].empty_label = None


class HandledForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Optional: what was said or done."))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReceptionSettings
        fields = ["email_delay", "urgent_email_delay", "retention_months"]

    def clean(self):
        data = super().clean()
        if data.get("urgent_email_delay") and data.get("email_delay") and data["urgent_email_delay"] > data["email_delay"]:
            raise ValidationError({"urgent_email_delay": _("The delay for urgent messages cannot be longer than the normal one.")})
        return data


def _person_label(membership) -> str:
    if membership.is_active and membership.user.is_active:
        return membership.user.display_name
    return _("%(name)s (has left)") % {"name": membership.user.display_name}


class HistoryFilter(forms.Form):
    """The history's search: caller (free text), person, sector, day; messages or visitor notices."""

    KINDS = [("messages", _("Phone messages")), ("visites", _("Visitor notices"))]

    q = forms.CharField(label=_("Caller or visitor"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Caller or visitor")}))
    kind = forms.ChoiceField(label=_("Show"), choices=KINDS, required=False)
    person = forms.ModelChoiceField(label=_("Person"), queryset=Membership.objects.none(), required=False,
                                    error_messages={"invalid_choice": UNKNOWN_PERSON})
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False,
                                    error_messages={"invalid_choice": _("Choose a sector of the organisation.")})
    day = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, organisation, everyone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if everyone:
            people = self.fields["person"]
            # Those who have left too: their messages stay in the history for the retention period.
            people.queryset = Membership.objects.for_organisation(organisation).select_related("user").order_by(
                "user__last_name", "user__first_name")
            people.label_from_instance = _person_label
            self.fields["sector"].queryset = Sector.objects.for_organisation(organisation)
        else:  # a person's own messages: no one else to choose
            del self.fields["person"], self.fields["sector"]
