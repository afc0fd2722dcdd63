"""Forms of the members admin, the CSV import and the signing step."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Sector

from . import policies
from .models import Membership
from .roles import Role

CSV_MAX_BYTES = 1024 * 1024


def sector_choices(organisation):
    return Sector.objects.for_organisation(organisation).order_by("position", "name")


class RolesFormMixin:
    """Role checkboxes plus, for sector roles, the sectors they hold (one or more).

    Builds ``cleaned_data["role_spec"]`` ({role: [sectors]}) for accounts.services.
    """

    def add_role_fields(self, organisation, actor_membership: Membership | None, initial_spec=None):
        self.actor_membership = actor_membership
        self.initial_spec = initial_spec or {}
        sectors = sector_choices(organisation)
        self.fields["roles"] = forms.MultipleChoiceField(
            label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Choose at least one role.")},
            help_text=None if policies.can_grant_admin(actor_membership) else _("Only an administrator may grant or remove the administrator role."),
        )
        self.fields["coordinator_sectors"] = forms.ModelMultipleChoiceField(
            label=_("Sectors coordinated"), queryset=sectors, required=False, widget=forms.CheckboxSelectMultiple,
            help_text=_("Required with the coordinator role."),
        )
        self.fields["supervisor_sectors"] = forms.ModelMultipleChoiceField(
            label=_("Sectors supervised"), queryset=sectors, required=False, widget=forms.CheckboxSelectMultiple,
            help_text=_("Required with the supervisor role."),
        )
        if initial_spec:
            self.initial.setdefault("roles", list(initial_spec))
            self.initial.setdefault("coordinator_sectors", [s.pk for s in initial_spec.get(Role.COORDINATOR, [])])
            self.initial.setdefault("supervisor_sectors", [s.pk for s in initial_spec.get(Role.SUPERVISOR, [])])

    def clean_role_spec(self, cleaned_data):
        roles = cleaned_data.get("roles") or []
        if not roles:
            return
        spec = {}
        for role in roles:
            if role == Role.COORDINATOR:
                sectors = list(cleaned_data.get("coordinator_sectors") or [])
                if not sectors:
                    self.add_error("coordinator_sectors", _("Choose at least one sector for the coordinator role."))
            elif role == Role.SUPERVISOR:
                sectors = list(cleaned_data.get("supervisor_sectors") or [])
                if not sectors:
                    self.add_error("supervisor_sectors", _("Choose at least one sector for the supervisor role."))
            else:
                sectors = []
            spec[role] = sectors
        had_admin = Role.ADMIN in self.initial_spec
        if (Role.ADMIN in spec) != had_admin and not policies.can_grant_admin(self.actor_membership):
            self.add_error("roles", _("Only an administrator may grant or remove the administrator role."))
        cleaned_data["role_spec"] = spec


class InviteForm(RolesFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, help_text=_("The invitation is sent to this address."),
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    username = forms.CharField(
        label=_("Username"), max_length=150, required=False,
        help_text=_("Optional: made from the first and last names when left empty."),
    )
    sector = forms.ModelChoiceField(label=_("Home sector"), queryset=Sector.objects.none(), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)

    def __init__(self, *args, organisation, actor_membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sector_choices(organisation)
        self.add_role_fields(organisation, actor_membership, {})
        self.initial.setdefault("roles", [Role.STAFF])

    def clean(self):
        cleaned_data = super().clean()
        self.clean_role_spec(cleaned_data)
        return cleaned_data


class MemberForm(RolesFormMixin, forms.Form):
    sector = forms.ModelChoiceField(label=_("Home sector"), queryset=Sector.objects.none(), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)

    def __init__(self, *args, membership: Membership, actor_membership=None, initial_spec=None, **kwargs):
        kwargs.setdefault("initial", {"sector": membership.sector_id, "job_title": membership.job_title})
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sector_choices(membership.organisation)
        self.add_role_fields(membership.organisation, actor_membership, initial_spec)

    def clean(self):
        cleaned_data = super().clean()
        self.clean_role_spec(cleaned_data)
        return cleaned_data


class MemberFilterForm(forms.Form):
    STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, e-mail or username")}))
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False, empty_label=_("All sectors"))
    role = forms.ChoiceField(label=_("Role"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sector_choices(organisation)
        self.fields["role"].choices = [("", _("All roles")), *Role.choices]


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8 or Windows-1252, separated by ';' or ',', 1 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("Send a .csv file (in a spreadsheet: Save as… CSV)."))
        if upload.size > CSV_MAX_BYTES:
            raise ValidationError(_("The file must weigh 1 MB at most."))
        return upload


class SignatureForm(forms.Form):
    """The signing step, to include in a feature's form or page.

    ``SignatureForm(request.POST, request=request)``; when valid, ``form.sign(content=…,
    purpose=…, target=…)`` returns the Signature, or None with the error on the field.
    After a passkey re-authentication (less than 5 minutes ago) the password may stay empty.
    """

    password = forms.CharField(
        label=_("Password (signature)"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password again to sign: your name, the date and a fingerprint of the content are recorded."),
    )

    def __init__(self, *args, request, prefix="signature", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        from .signing import recent_passkey_reauthentication

        self.request = request
        self.passkey_ready = recent_passkey_reauthentication(request)
        if self.passkey_ready:
            self.fields["password"].required = False
            self.fields["password"].help_text = _("You confirmed your identity with a passkey a moment ago: you may leave this empty.")

    def sign(self, *, content: dict, purpose: str, target=None):
        from .signing import sign

        try:
            return sign(self.request, content=content, purpose=purpose, target=target,
                        password=self.cleaned_data.get("password") or None)
        except ValidationError as error:
            self.add_error("password", error)
            return None


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=30,
        help_text=_("The 12-character code printed with the signature, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
