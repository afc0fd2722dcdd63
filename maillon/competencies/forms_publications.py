"""Forms of the publications: prepare a draft for a period, edit its text."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Publication
from .publications import MAX_BODY, MONTHS


class PrepareForm(forms.Form):
    """Which framework, which kind, which period: the year and the period's number in it (two-month
    period 1–6, half-year 1–2, the year: 1)."""

    framework = forms.ModelChoiceField(label=_("Framework"), queryset=None, empty_label=None,
                                       error_messages={"invalid_choice": _("Choose one of the frameworks you edit.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=Publication.Kind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Period"), min_value=1, max_value=6, required=False,
                                help_text=_("Two-month period: 1 (January–February) to 6 (November–December); half-year: 1 or 2; "
                                            "for a yearly note, leave empty."))

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("number", (today.month + 1) // 2)

    def clean(self):
        data = super().clean()
        kind, number = data.get("kind"), data.get("number")
        if kind in MONTHS and kind == Publication.Kind.YEARLY_NOTE:
            data["number"] = 1
        elif kind in MONTHS and number is not None and number > 12 // MONTHS[kind]:
            self.add_error("number", _("A year has two half-years: give 1 or 2."))
        elif kind in MONTHS and number is None:
            self.add_error("number", _("Give the period's number."))
        return data


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["title", "body"]
        labels = {"body": _("Text (Markdown)")}
        help_texts = {"body": _("## for a heading, - for a list, > for a quote, **bold**, _italics_; tables as in the draft.")}
        widgets = {"body": forms.Textarea(attrs={"rows": 24})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.append(MaxLengthValidator(MAX_BODY))
        self.fields["body"].widget.attrs["maxlength"] = MAX_BODY


class SessionLinkForm(forms.Form):
    """Link one entry (shared with the group, that I read) or one competency to a group session."""

    entry = forms.ModelChoiceField(label=_("Logbook entry"), queryset=None, required=False,
                                   error_messages={"invalid_choice": _("Choose one of the entries offered.")})
    competency = forms.ModelChoiceField(label=_("Competency"), queryset=None, required=False,
                                        error_messages={"invalid_choice": _("Choose one of the competencies offered.")})

    def __init__(self, *args, entries, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries
        self.fields["competency"].queryset = competencies
        self.fields["entry"].label_from_instance = lambda e: f"{e.occurred_on:%d/%m/%Y} · {e.title} · {e.author.get_full_name() or e.author}"

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("entry") is None) == (data.get("competency") is None):
            raise forms.ValidationError(_("Choose an entry or a competency (one at a time)."))
        return data
