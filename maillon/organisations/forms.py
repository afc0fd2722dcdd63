from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from .models import Organisation

LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}


class ColourInput(forms.TextInput):
    input_type = "color"


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "address", "siret", "logo", "primary_colour", "accent_colour", "show_feder_block"]
        widgets = {
            "primary_colour": ColourInput(),
            "accent_colour": ColourInput(),
            "address": forms.Textarea(attrs={"rows": 3}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "size") or logo == self.instance.logo:
            return logo
        if logo.size > LOGO_MAX_BYTES:
            raise ValidationError(_("The logo must weigh 1 MB at most."))
        try:
            image = Image.open(logo)
            image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise ValidationError(_("This file is not an image. Send a PNG, JPEG or WebP logo.")) from exc
        if image.format not in LOGO_FORMATS:
            raise ValidationError(_("Send the logo as PNG, JPEG or WebP."))
        logo.seek(0)
        return logo

    def clean_siret(self):
        return "".join(self.cleaned_data.get("siret", "").split())
