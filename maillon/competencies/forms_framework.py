"""Forms of the framework pages; the checks that matter are in framework.py (services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Competency, Domain, Edition, Framework, JobProfile, Level

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class FrameworkForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Framework._meta.get_field("name").max_length)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000, widget=TEXTAREA)
    space = forms.ModelChoiceField(label=_("Shared in the space"), queryset=None, required=False,
                                   empty_label=_("Not shared (this organisation only)"),
                                   help_text=_("The members of the space, whatever their organisation, read the framework and may take part."))

    def __init__(self, *args, spaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces


class LevelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Level._meta.get_field("name").max_length)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000, widget=TEXTAREA)


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=JobProfile._meta.get_field("name").max_length)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000, widget=TEXTAREA)


class DomainForm(forms.Form):
    code = forms.CharField(label=_("Code"), required=False, max_length=Domain._meta.get_field("code").max_length)
    name = forms.CharField(label=_("Name"), max_length=Domain._meta.get_field("name").max_length)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000, widget=TEXTAREA)


class CompetencyForm(forms.Form):
    domain = forms.ModelChoiceField(label=_("Domain"), queryset=None)
    code = forms.CharField(label=_("Code"), required=False, max_length=Competency._meta.get_field("code").max_length)
    name = forms.CharField(label=_("Name"), max_length=Competency._meta.get_field("name").max_length)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000, widget=TEXTAREA)
    profiles = forms.ModelMultipleChoiceField(label=_("Job profiles"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    indicators = forms.CharField(label=_("Observable indicators"), required=False, max_length=10000,
                                 widget=forms.Textarea(attrs={"rows": 4}), help_text=_("One indicator a line."))

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = framework.domains.all()
        self.fields["profiles"].queryset = framework.profiles.all()


class ProposeForm(forms.Form):
    domain = forms.ModelChoiceField(label=_("Domain"), queryset=None)
    name = forms.CharField(label=_("Competency"), max_length=Competency._meta.get_field("name").max_length)
    description = forms.CharField(label=_("What you observed"), required=False, max_length=5000, widget=TEXTAREA,
                                  help_text=_("The situation where this competency showed, in a few lines."))

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = framework.domains.all()


class ParticipantForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=None)
    profile = forms.ModelChoiceField(label=_("Job profile"), queryset=None, required=False)
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=None, required=False,
                                         help_text=_("Reads what the person shares with their coordinator and validates their self-assessments."))

    def __init__(self, *args, framework, people, adding: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["coordinator"].queryset = people
        self.fields["profile"].queryset = framework.profiles.all()
        if not adding:
            del self.fields["user"]


class EditionForm(forms.Form):
    label = forms.CharField(label=_("Label"), required=False, max_length=Edition._meta.get_field("label").max_length)

    def __init__(self, *args, default_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].widget.attrs["placeholder"] = default_label
        self.fields["label"].help_text = _("Left empty: « %(label)s ».") % {"label": default_label}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or JSON)"), help_text=_("A file exported from a framework: CSV (one line per competency) or JSON."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".json")):
            raise forms.ValidationError(_("Choose a .csv or .json file."))
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (2 MB at most)."))
        return upload
