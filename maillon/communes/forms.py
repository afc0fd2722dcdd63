from django import forms
from django.utils.translation import gettext_lazy as _

from . import catalogue, policies


class CommuneForm(forms.Form):
    """One commune; the checks are the service's (``services.clean_commune``), shared with the CSV and the API."""

    name = forms.CharField(label=_("Name of the commune"), max_length=200)
    insee_code = forms.CharField(label=_("INSEE code"), max_length=5, help_text=_("5 characters, for example 32013 or 2A004."))
    siret = forms.CharField(label=_("SIRET of the town hall"), max_length=20, help_text=_("14 digits."))
    population = forms.CharField(label=_("Population"), max_length=12)
    mayor_name = forms.CharField(label=_("Mayor's name"), max_length=150)
    secretary_email = forms.EmailField(label=_("Secretary's e-mail"), max_length=254,
                                       help_text=_("Receives an invitation to become the commune's administrator."))


class CommuneEditForm(CommuneForm):
    """A commune's changeable fields: its INSEE code (and address) stay as created."""

    insee_code = None
    secretary_email = forms.EmailField(label=_("Secretary's e-mail"), max_length=254, help_text=_(
        "A new address receives an invitation to become the commune's administrator."))
    field_order = ["name", "siret", "population", "mayor_name", "secretary_email"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: nom ; code INSEE ; SIRET ; population ; maire ; e-mail du secrétariat. All the lines are created, or none."))


class ServicesForm(forms.Form):
    services = forms.MultipleChoiceField(label=_("Services enabled"), choices=catalogue.CHOICES, required=False,
                                         widget=forms.CheckboxSelectMultiple)


class SupportForm(forms.Form):
    hours = forms.TypedChoiceField(label=_("Duration"), coerce=int,
                                   choices=[(h, _("%(count)d h") % {"count": h}) for h in range(1, policies.MAX_SUPPORT_HOURS + 1)],
                                   initial=2)
    reason = forms.CharField(label=_("Reason, shown to the commune"), max_length=300)
