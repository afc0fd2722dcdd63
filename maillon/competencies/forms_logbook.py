"""Forms of the logbook: an entry (fast on a phone), the filters, a self-assessment, a validation."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Entry

TEXT_MAX = 5000


def competency_choices(competencies) -> list:
    """Competencies grouped by domain, for a <select> (``competencies`` ordered, domains loaded)."""
    groups: dict[str, list] = {}
    for competency in competencies:
        groups.setdefault(competency.domain.name, []).append((competency.pk, str(competency)))
    return list(groups.items())


def _text(label, help_text=""):
    return forms.CharField(label=label, required=False, max_length=TEXT_MAX, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 3}))


class EntryForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("A few words: what was it about?"))
    happened = _text(_("What happened"))
    tried = _text(_("What I tried"))
    learned = _text(_("What I learned"))
    blocked = _text(_("What blocked me"))
    competencies = forms.TypedMultipleChoiceField(
        label=_("Competencies"), required=False, coerce=int,
        help_text=_("Hold Ctrl (or Cmd) to choose several."))
    themes = forms.TypedMultipleChoiceField(label=_("Themes"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple)
    new_themes = forms.CharField(label=_("New themes"), required=False, max_length=600,
                                 help_text=_("Separated by commas, for example: accès aux droits, parentalité."))
    place = forms.CharField(label=_("Place"), required=False, max_length=160)
    audience = forms.CharField(label=_("Public"), required=False, max_length=160,
                               help_text=_("Who you worked with, for example: parents, seniors, teenagers."))
    visibility = forms.ChoiceField(label=_("Who reads this entry"), choices=Entry.Visibility.choices, initial=Entry.Visibility.PRIVATE,
                                   widget=forms.RadioSelect)
    quote_consent = forms.BooleanField(label=_("My words may be quoted, with my name, in the group's publications"), required=False)

    def __init__(self, *args, competencies=(), themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.competency_objects = {c.pk: c for c in competencies}
        self.theme_objects = {t.pk: t for t in themes}
        self.fields["competencies"].choices = competency_choices(competencies)
        self.fields["competencies"].widget.attrs.update({"size": 8, "data-competency-select": ""})
        self.fields["themes"].choices = [(t.pk, t.name) for t in themes]
        if not self.is_bound and "occurred_on" not in self.initial:
            self.initial["occurred_on"] = timezone.localdate()

    def clean_new_themes(self):
        return [name for name in (part.strip() for part in self.cleaned_data["new_themes"].split(",")) if name]

    def chosen(self):
        """The chosen competencies and themes as objects (after ``is_valid``)."""
        data = self.cleaned_data
        return ([self.competency_objects[pk] for pk in data["competencies"]], [self.theme_objects[pk] for pk in data["themes"]])


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search the entries"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search the entries")}))
    competence = forms.TypedChoiceField(label=_("Competency"), required=False, coerce=int, empty_value=None)
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, competencies=(), themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].choices = [("", _("Every competency")), *competency_choices(competencies)]
        self.fields["theme"].choices = [("", _("Every theme")), *((t.pk, t.name) for t in themes)]


class AssessmentForm(forms.Form):
    level = forms.TypedChoiceField(label=_("My level"), coerce=int, widget=forms.RadioSelect)
    evidence = forms.TypedMultipleChoiceField(label=_("Evidence: entries of my logbook"), required=False, coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What makes you say so, what you still want to work on."))

    def __init__(self, *args, levels=(), entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level.pk, level.name) for level in levels]
        self.fields["evidence"].choices = [(e.pk, f"{e.occurred_on:%d/%m/%Y} — {e.title}") for e in entries]


class ValidationForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Validated level"), coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level.pk, level.name) for level in levels]
