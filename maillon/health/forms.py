"""The record form (identity, medical, consents, validity, documents) and the contacts' rows."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import HealthRecord

CONTACT_ROWS_EXTRA = 2
CONTACT_ROWS_MAX = 8


class RecordForm(forms.ModelForm):
    sectors = forms.ModelMultipleChoiceField(queryset=None, label=_("Sectors"), widget=forms.CheckboxSelectMultiple)
    scan = forms.FileField(label=_("Scan of the paper form"), required=False,
                           help_text=_("PDF or photo (JPEG, PNG or WebP), 10 MB at most. Replaces the previous scan."))
    pai_document = forms.FileField(label=_("PAI document"), required=False,
                                   help_text=_("PDF or photo, 10 MB at most. Replaces the previous document."))

    field_sections = [
        (_("Child"), ["first_name", "last_name", "birth_date", "sex", "sectors"]),
        (_("Health"), ["doctor_name", "doctor_phone", "allergies", "diet", "treatments", "has_pai", "pai_document",
                       "dtp_date", "other_vaccinations", "medical_notes"]),
        (_("Authorisations"), ["allows_photos", "allows_outings", "allows_transport", "allows_emergency_care"]),
        (_("Validity"), ["school_year", "signed_on", "scan"]),
    ]

    class Meta:
        model = HealthRecord
        fields = ["first_name", "last_name", "birth_date", "sex", "sectors", "doctor_name", "doctor_phone", "allergies",
                  "diet", "treatments", "has_pai", "dtp_date", "other_vaccinations", "medical_notes", "allows_photos",
                  "allows_outings", "allows_transport", "allows_emergency_care", "school_year", "signed_on"]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sex": forms.RadioSelect,
        }

    def __init__(self, *args, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = sectors
        self.fields["doctor_phone"].widget.attrs.update({"type": "tel", "autocomplete": "off"})
        self.fields["school_year"].widget.attrs.update({"inputmode": "numeric"})
        self.fields["sex"].required = False
        if not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("school_year", today.year if today.month >= 8 else today.year - 1)

    def clean_doctor_phone(self):
        return services.clean_phone(self.cleaned_data.get("doctor_phone", ""))

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise ValidationError(_("The birth date is in the future."))
        return value

    def clean_signed_on(self):
        value = self.cleaned_data.get("signed_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("The signature date is in the future."))
        return value

    def _clean_document(self, name):
        upload = self.cleaned_data.get(name)
        return services.check_document(upload) if upload else None

    def clean_scan(self):
        return self._clean_document("scan")

    def clean_pai_document(self):
        return self._clean_document("pai_document")

    def model_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "sectors"}


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    relationship = forms.CharField(label=_("Relationship to the child"), max_length=60, required=False)
    is_guardian = forms.BooleanField(label=_("Legal guardian"), required=False)
    may_collect = forms.BooleanField(label=_("Authorised to collect the child"), required=False)

    def clean(self):
        data = super().clean()
        if not self.has_changed() or not any(data.get(f) for f in ("name", "phone", "relationship")):
            return data  # an empty row is ignored
        if not data.get("name"):
            self.add_error("name", _("Enter the contact's name."))
        try:
            data["phone"] = services.clean_phone(data.get("phone", ""), required=True)
        except ValidationError as error:
            self.add_error("phone", error)
        return data

    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("name"))


class BaseContactFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not [f for f in self.forms if f.is_filled()]:
            raise ValidationError(_("Enter at least one legal guardian or emergency contact."))

    def contacts(self) -> list[dict]:
        return [{k: f.cleaned_data.get(k) for k in services.CONTACT_FIELDS} for f in self.forms if f.is_filled()]


ContactFormSet = forms.formset_factory(ContactForm, formset=BaseContactFormSet, extra=CONTACT_ROWS_EXTRA,
                                       max_num=CONTACT_ROWS_MAX, validate_max=True)
