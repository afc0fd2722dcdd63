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


def is_svg(upload) -> bool:
    """Whether an upload is an SVG document, by its name, its declared type or its first bytes."""
    upload.seek(0)
    head = upload.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    upload.seek(0)
    name = (getattr(upload, "name", "") or "").lower()
    kind = (getattr(upload, "content_type", "") or "").lower()
    return name.endswith((".svg", ".svgz")) or "svg" in kind or head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def stored_logo(upload) -> ContentFile:
    """The logo as stored: checked (``ImageRefused`` otherwise), re-encoded as PNG (transparency
    kept) within ``LOGO_SIZE``, without the file's metadata, under a new name each time so the
    logo view may let browsers cache it. The settings form and the demo go through it."""
    image = open_checked(upload, formats=LOGO_FORMATS, max_pixels=LOGO_MAX_PIXELS)
    return ContentFile(reencode(image, LOGO_SIZE, fmt="PNG"), name=f"{uuid.uuid4().hex}.png")


class LogoInput(forms.ClearableFileInput):
    """The current logo as an image (Django shows its long file name, wider than a phone)."""

    template_name = "organisations/widgets/logo.html"


class ColourInput(forms.TextInput):
    input_type = "color"


class OrganisationSettingsForm(forms.ModelForm):
    # A plain file field: Django's ImageField would refuse an SVG with its own generic sentence
    # before clean_logo could say why; clean_logo checks every file itself.
    logo = forms.FileField(
        label=_("Logo"), required=False,
        help_text=_("PNG, JPEG or WebP, 1 MB at most; a square logo with a transparent background looks best."),
        widget=LogoInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    class Meta:
        model = Organisation
        fields = ["name", "address", "siret", "logo", "primary_colour", "accent_colour", "show_feder_block"]
        widgets = {
            "primary_colour": ColourInput(),
            "accent_colour": ColourInput(),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "size") or logo == self.instance.logo:
            return logo
        if logo.size > LOGO_MAX_BYTES:
            raise ValidationError(_("The logo must weigh 1 MB at most."))
        if is_svg(logo):
            # An SVG is a document that may carry scripts and outside links, served from our own
            # address: refused, with the way to convert it.
            raise ValidationError(_("SVG logos are not accepted (they may contain scripts). Export your logo as PNG, with a transparent background, and send that file."))
        try:
            return stored_logo(logo)
        except ImageRefused as refused:
            raise ValidationError({
                ImageRefused.TOO_LARGE: _("The logo is too large: 40 megapixels at most."),
                ImageRefused.FORMAT: _("Send the logo as PNG, JPEG or WebP."),
            }.get(refused.reason, _("This file is not an image. Send a PNG, JPEG or WebP logo."))) from refused

    def clean_siret(self):
        return "".join(self.cleaned_data.get("siret", "").split())
