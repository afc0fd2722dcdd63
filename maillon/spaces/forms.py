from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Federation, Organisation

from .models import Role, Space, SpaceOrganisation


class SpaceForm(forms.ModelForm):
    class Meta:
        model = Space
        fields = ["name", "theme", "description", "kind", "visibility", "federation"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"visibility": _("Members only: the people and organisations you invite. Federation: every member of "
                                      "the federation's organisations may read it too.")}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        owner = organisation or (self.instance.organisation if self.instance.pk else None)
        self.fields["federation"].queryset = Federation.objects.filter(organisations=owner) if owner else Federation.objects.none()
        self.fields["federation"].required = False
        self.fields["federation"].help_text = _("Needed when the space is open to its federation.")

    def clean(self):
        data = super().clean()
        if data.get("visibility") == Space.Visibility.FEDERATION and not data.get("federation"):
            self.add_error("federation", _("Choose the federation whose members may read the space."))
        return data


class NewSpaceForm(SpaceForm):
    owner = forms.ModelChoiceField(label=_("Owner organisation"), queryset=Organisation.objects.none(), empty_label=None)

    class Meta(SpaceForm.Meta):
        fields = ["owner", *SpaceForm.Meta.fields]

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        owners = [m.organisation_id for m in memberships]
        self.fields["owner"].queryset = Organisation.objects.filter(pk__in=owners)
        self.fields["federation"].queryset = Federation.objects.filter(organisations__in=owners).distinct()


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), help_text=_("Someone with an account here is added at once; "
                                                                     "anyone else receives a link to join."))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CONTRIBUTOR)


class InviteOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role of its members"), choices=SpaceOrganisation._meta.get_field("role").choices,
                             initial=Role.READER)

    def __init__(self, *args, space=None, **kwargs):
        super().__init__(*args, **kwargs)
        taken = SpaceOrganisation.objects.filter(space=space).values("organisation")
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True).exclude(pk__in=taken)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RegisterForm(forms.Form):
    """The account of an invited person (their address is the invitation's)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(email=self.email, first_name=data.get("first_name", ""), last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
