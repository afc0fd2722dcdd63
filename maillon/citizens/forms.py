from django import forms
from django.utils.translation import gettext_lazy as _

from .antiabuse import HoneypotForm


class EmailLoginForm(HoneypotForm):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             help_text=_("We send you a link to sign in; it works for 30 minutes, once."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}))
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    field_order = ["email", "next", "website"]


class RefuseForm(forms.Form):
    note = forms.CharField(label=_("Reason (optional, sent to the author)"), required=False, max_length=300,
                           widget=forms.TextInput)
