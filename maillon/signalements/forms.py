"""Forms of problem reports: the citizen's « Signaler un problème » (honeypot, size limits, a photo
checked by Pillow, a place typed or pointed on a map) and the staff's status, filters and categories."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.citizens.antiabuse import MAX_TEXT, HoneypotForm, check_upload
from maillon.core.images import ImageRefused, open_checked

from . import geo
from .models import MAX_COMMENT, Category, Report

PHOTO_FORMATS = frozenset({"JPEG", "PNG", "HEIF"})
PHOTO_ACCEPT = "image/jpeg,image/png,image/heic,image/heif,.heic,.heif"


def _heif_opener() -> None:
    """Pillow reads HEIC (iPhone photos) through pillow-heif (a dependency of Wagtail's Willow)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - then a HEIC photo is refused as « not an image »
        return
    register_heif_opener()


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReportForm(HoneypotForm):
    category = CategoryChoice(label=gettext_lazy("Category"), queryset=Category.objects.none(), empty_label=None,
                              error_messages={"invalid_choice": gettext_lazy("Choose one of the categories offered.")})
    description = forms.CharField(
        label=gettext_lazy("Describe the problem"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What is wrong, since when, is it dangerous? Do not write anybody's name."))
    address = forms.CharField(
        label=gettext_lazy("Address or place"), required=False, max_length=300,
        help_text=gettext_lazy("For instance « 12 rue des Écoles » or « in front of the church ». Not needed if you place a point on the map."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    latitude = forms.DecimalField(label=gettext_lazy("Latitude (optional)"), required=False, max_digits=9, decimal_places=6,
                                  widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.DecimalField(label=gettext_lazy("Longitude (optional)"), required=False, max_digits=10, decimal_places=6,
                                   widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    photo = forms.FileField(label=gettext_lazy("Photo (optional)"), required=False,
                            help_text=gettext_lazy("JPEG, PNG or HEIC, 10 MB at most. Its location data is removed."),
                            widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}))

    def __init__(self, *args, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.image = None
        field = self.fields["category"]
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])
        # The choices come from the list given (no second query to draw the select).
        field.choices = [(c.pk, c.name) for c in categories]
        self.fields["description"].error_messages["required"] = _("Describe the problem.")
        # Django's « Ensure this value has at most 5000 characters » says it already, in French.
        self.order_fields(["category", "description", "address", "latitude", "longitude", "photo", "website"])

    def clean_description(self):
        text = self.cleaned_data["description"].replace("\x00", "").strip()
        if not text:
            raise forms.ValidationError(_("Describe the problem."))
        return text

    def clean_address(self):
        return " ".join(self.cleaned_data.get("address", "").replace("\x00", "").split())

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        check_upload(upload)
        _heif_opener()
        try:
            self.image = open_checked(upload, formats=PHOTO_FORMATS)
        except ImageRefused as refused:
            raise forms.ValidationError({
                ImageRefused.TOO_LARGE: _("The photo is too large: 40 megapixels at most."),
                ImageRefused.FORMAT: _("Send the photo as JPEG, PNG or HEIC."),
            }.get(refused.reason, _("This file is not an image. Send a JPEG, PNG or HEIC photo."))) from refused
        return upload

    def clean(self):
        data = super().clean()
        lat, lng = data.get("latitude"), data.get("longitude")
        if "latitude" in self.errors or "longitude" in self.errors:
            return data
        if (lat is None) != (lng is None):
            self.add_error("longitude" if lng is None else "latitude",
                           _("Give both the latitude and the longitude, or neither."))
            return data
        if lat is not None and not geo.in_france(lat, lng):
            self.add_error("latitude", _("This point is outside France: check the latitude and the longitude."))
            return data
        if lat is None and not data.get("address") and "address" not in self.errors:
            self.add_error("address", _("Give the address or the place, or place a point on the map."))
        return data

    @property
    def point(self) -> tuple[Decimal | None, Decimal | None]:
        return self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Report.Status.choices)
    comment = forms.CharField(label=gettext_lazy("Public comment (sent to the citizen)"), required=False, max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ModerationForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Reason (if refused)"), required=False, max_length=300)


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), required=False, coerce=int, empty_value=None)
    moderation = forms.ChoiceField(label=gettext_lazy("Moderation"), required=False)

    def __init__(self, *args, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *Report.Status.choices]
        self.fields["category"].choices = [("", _("All categories")), *((c.pk, c.name) for c in categories)]
        from maillon.citizens.models import Moderation

        self.fields["moderation"].choices = [("", _("All")), *Moderation.choices]


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("New category"), max_length=80)
