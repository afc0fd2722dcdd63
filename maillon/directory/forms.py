from django import forms
from django.db import models

from .models import Contact, Facilitator, Link, Partner


def https_urls(field, **kwargs):
    """Addresses typed without a scheme are taken as https://."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PartnerForm(forms.ModelForm):
    class Meta:
        formfield_callback = https_urls
        model = Partner
        fields = ["kind", "name", "description", "address", "phone", "email", "website", "tags"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "address": forms.Textarea(attrs={"rows": 2})}


class ContactForm(forms.ModelForm):
    class Meta:
        formfield_callback = https_urls
        model = Contact
        fields = ["name", "function", "phone", "email", "address", "tags"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


class FacilitatorForm(forms.ModelForm):
    class Meta:
        formfield_callback = https_urls
        model = Facilitator
        fields = ["name", "skills", "rates", "phone", "email", "last_mission_on", "last_mission", "internal_comment"]
        widgets = {"last_mission_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "internal_comment": forms.Textarea(attrs={"rows": 3})}


class LinkForm(forms.ModelForm):
    class Meta:
        formfield_callback = https_urls
        model = Link
        fields = ["kind", "level", "title", "url", "notes", "position"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
