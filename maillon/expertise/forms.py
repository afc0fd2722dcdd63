from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Level, Skill

LEVEL_HELP = _("Basic knowledge: I know what it is about. Regular practice: I do it often. Expert: I can train others.")


def skill_choices(skills) -> list:
    """The skills grouped by domain for a <select> (``skills`` ordered by domain, each with its domain loaded)."""
    groups: dict[str, list] = {}
    for skill in skills:
        label = skill.domain.name if skill.domain.federation_id is None else f"{skill.domain.name} ({skill.domain.federation.name})"
        groups.setdefault(label, []).append((skill.pk, skill.name))
    return [("", _("Choose a skill")), *groups.items()]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Who knows…"), required=False, max_length=100)
    competence = forms.TypedChoiceField(label=_("Skill"), required=False, coerce=int, empty_value=None)
    niveau = forms.TypedChoiceField(label=_("At least"), required=False, coerce=int, empty_value=None,
                                    choices=[("", _("Any level")), *Level.choices])

    def __init__(self, *args, skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].choices = [("", _("Every skill")), *skill_choices(skills)[1:]]


class DeclarationForm(forms.Form):
    skill = forms.TypedChoiceField(label=_("Skill"), coerce=int)
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=Level.choices, initial=Level.PRACTICE,
                                   widget=forms.RadioSelect, help_text=LEVEL_HELP)
    note = forms.CharField(label=_("Short note"), required=False, max_length=280,
                           help_text=_("What you did, with which tools or people (280 characters at most)."),
                           widget=forms.Textarea(attrs={"rows": 2}))
    contactable = forms.BooleanField(label=_("I accept to be contacted about it (my e-mail address is then shown)"), required=False,
                                     initial=True)

    def __init__(self, *args, skills=(), fixed_skill: Skill | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_skill is not None:
            del self.fields["skill"]
        else:
            self.fields["skill"].choices = skill_choices(skills)


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class NewSkillForm(NameForm):
    name = forms.CharField(label=_("New skill"), max_length=120)


class DomainForm(NameForm):
    federation = forms.TypedChoiceField(label=_("Taxonomy"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, federations=(), instance=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f.pk, f.name) for f in federations]
        if instance:
            choices.insert(0, ("", _("The whole instance")))
        self.fields["federation"].choices = choices
