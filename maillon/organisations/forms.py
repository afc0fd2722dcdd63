import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from maillon.core.images import MAX_PIXELS, ImageRefused, open_checked, reencode

from .models import Organisation

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = MAX_PIXELS
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_SIZE = (512, 512)  # shown at 32 px in the header: room for high-density screens and print


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
            image = open_checked(logo, formats=LOGO_FORMATS, max_pixels=LOGO_MAX_PIXELS)
        except ImageRefused as refused:
            raise ValidationError({
                ImageRefused.TOO_LARGE: _("The logo is too large: 40 megapixels at most."),
                ImageRefused.FORMAT: _("Send the logo as PNG, JPEG or WebP."),
            }.get(refused.reason, _("This file is not an image. Send a PNG, JPEG or WebP logo."))) from refused
        # Stored re-encoded (PNG keeps transparency): a bounded size, and no metadata of the file
        # sent; under a new name each time, so the logo view may let browsers cache it.
        return ContentFile(reencode(image, LOGO_SIZE, fmt="PNG"), name=f"{uuid.uuid4().hex}.png")

    def clean_siret(self):
        return "".join(self.cleaned_data.get("siret", "").split())
