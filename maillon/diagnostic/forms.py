"""Forms of the diagnostic: the questionnaire (built from ``questionnaire.QUESTIONS``, one
titled section per area), the security checklist and a recommendation rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.communes import catalogue

from . import questionnaire, rules, selfcheck


class QuestionnaireForm(forms.Form):
    """Every question optional here: a draft keeps what was answered; completing asks for the
    rest (services.save)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in questionnaire.QUESTIONS:
            if q.kind == questionnaire.NUMBER:
                field = forms.IntegerField(min_value=0, max_value=q.maximum, required=False)
            elif q.kind == questionnaire.CHOICE:
                field = forms.ChoiceField(choices=[(v, label) for v, label, _p in q.options], required=False,
                                          widget=forms.RadioSelect)
            else:
                field = forms.MultipleChoiceField(choices=[(v, label) for v, label, _p in q.options], required=False,
                                                  widget=forms.CheckboxSelectMultiple)
            field.label, field.help_text = q.label, q.help
            self.fields[q.key] = field
        self.field_sections = [(area.label, [q.key for q in questionnaire.QUESTIONS if q.area == area.key])
                               for area in questionnaire.AREAS]


class SelfCheckForm(forms.Form):
    done = forms.MultipleChoiceField(label=_("Practices in place"), required=False,
                                     choices=[(i.key, i.label) for i in selfcheck.ITEMS], widget=forms.CheckboxSelectMultiple)


class RuleForm(forms.Form):
    target = forms.ChoiceField(label=_("Recommend"))
    area = forms.ChoiceField(label=_("when the area"), required=False,
                             choices=[("", "—")] + [(a.key, a.label) for a in questionnaire.AREAS if a.scored])
    below = forms.IntegerField(label=_("scores below"), min_value=1, max_value=100, required=False)
    answer = forms.ChoiceField(label=_("or when the answer is"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (_("Services"), [(f"service:{s.key}", s.label) for s in catalogue.SERVICES]),
            (_("Training modules"), [(f"training:{m.key}", m.title) for m in rules.MODULES]),
        ]
        self.fields["answer"].choices = [("", "—")] + [
            (q.label, [(f"{q.key}:{v}", label) for v, label, _p in q.options])
            for q in questionnaire.QUESTIONS if q.kind != questionnaire.NUMBER]

    def rule_fields(self) -> dict:
        kind, _sep, target = self.cleaned_data["target"].partition(":")
        question, _sep, value = self.cleaned_data["answer"].partition(":")
        return {"kind": kind, "target": target, "area": self.cleaned_data["area"], "below": self.cleaned_data["below"],
                "question": question, "value": value}
