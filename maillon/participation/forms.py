"""Forms of participation: the staff's consultation and idea-answer forms, the citizens' answer
and idea forms (with the honeypot field of ``citizens.antiabuse``). Rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.citizens.antiabuse import MAX_TEXT, HoneypotForm

from .models import MAX_QUESTION, MAX_TITLE, Consultation, Idea

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    question = forms.CharField(label=_("Question asked"), max_length=MAX_QUESTION, widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Consultation.Kind.choices, widget=forms.RadioSelect,
                             initial=Consultation.Kind.OPTIONS)
    options = forms.CharField(label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("One option per line (for a question with options; 2 to 12)."))
    opens_at = forms.DateTimeField(label=_("Opens on"), widget=DateTimeInput(), input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                                   help_text=_("Paris time."))
    closes_at = forms.DateTimeField(label=_("Closes on"), widget=DateTimeInput(), input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                                    help_text=_("Paris time."))
    results_auto = forms.BooleanField(label=_("Publish the results as soon as the consultation closes"), required=False,
                                      initial=True, help_text=_("Otherwise they wait until you choose « Publish the results »."))

    @classmethod
    def of(cls, consultation: Consultation, data=None):
        initial = {"title": consultation.title, "question": consultation.question, "kind": consultation.kind,
                   "options": "\n".join(o.label for o in consultation.options.all()),
                   "opens_at": consultation.opens_at, "closes_at": consultation.closes_at,
                   "results_auto": consultation.results_auto}
        return cls(data, initial=initial)


class OptionAnswerForm(HoneypotForm):
    option = forms.TypedChoiceField(label=_("Your answer"), coerce=int, widget=forms.RadioSelect,
                                    error_messages={"required": _("Choose one of the options."),
                                                    "invalid_choice": _("Choose one of the options.")})

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, o.label) for o in consultation.options.all()]
        self.fields["option"].label = consultation.question


class FreeAnswerForm(HoneypotForm):
    text = forms.CharField(label=_("Your answer"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("It is published after the commune's moderation (at most 5,000 characters)."))

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)


class IdeaForm(HoneypotForm):
    title = forms.CharField(label=_("Your idea in a few words"), max_length=MAX_TITLE)
    body = forms.CharField(label=_("Describe it"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("What, where, for whom? At most 5,000 characters. Published after the commune's moderation."))


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Idea.Status.choices)
    answer = forms.CharField(label=_("Public answer of the commune"), required=False, max_length=MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Shown on the idea's public page."))
