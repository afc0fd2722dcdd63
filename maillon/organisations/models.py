"""Tenants: organisations, the federations that group them, and their sectors.

Every row that belongs to an organisation inherits ``TenantModel`` so that the one
way to read it is ``Model.objects.for_organisation(org)``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# Path segments used by the platform itself: an organisation may not take them as slug (every
# app's root page is listed here: core/tests/test_reserved_slugs.py checks it).
RESERVED_SLUGS = {
    "accounts", "comptes", "api", "admin", "cms", "django-admin", "static", "media", "healthz",
    "readyz", "ws", "espaces", "competences", "desabonnement", "agenda", "appli", "hors-ligne", "reunions", "o", "documents", "images", "i18n", "jsi18n", "favicon.ico", "robots.txt", "citoyens",
}

# Seed 001 §3.5: the sectors of a social centre, where staff work (and visits are announced).
DEFAULT_SECTORS = [
    "Cyber Espace",
    "Centre petite enfance",
    "Multi-accueil",
    "Secteur Petite Enfance",
    "Secteur Enfance",
    "Secteur Jeunes et Adolescents",
    "Secteur Jeunes Adultes",
    "Secteur Adultes et Familles",
    "Non renseigné",
]
# Seed 001 §3.5 lists three more entries after the sectors: topics a visitor may come about,
# for the reception's visit notices (a later app), not teams anybody works in.
VISITOR_TOPICS = ["Actualité Administrative", "Culture", "Santé Bien-être"]

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


def validate_siret(value: str) -> None:
    """SIRET: 14 digits passing the Luhn check (La Poste's 356000000 SIRETs excepted)."""
    digits = re.sub(r"\s", "", value)
    if not re.fullmatch(r"\d{14}", digits):
        raise ValidationError(_("A SIRET number has 14 digits."))
    if digits.startswith("356000000"):
        return
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char) * (2 if index % 2 else 1)
        total += n - 9 if n > 9 else n
    if total % 10:
        raise ValidationError(_("This SIRET number is not valid (wrong check digit)."))


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This identifier is reserved by the platform."))


def relative_luminance(hex_value: str) -> float:
    """WCAG 2.1 relative luminance of an #RRGGBB colour."""
    channels = [int(hex_value[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


class Federation(models.Model):
    """A federation (e.g. a departmental federation of social centres) groups organisations."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("identifier"), unique=True)

    class Meta:
        verbose_name = _("federation")
        verbose_name_plural = _("federations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A tenant: one social centre, federation office, commune or State service."""

    class Kind(models.TextChoices):
        SOCIAL_CENTRE = "centre_social", _("Social centre")
        FEDERATION = "federation", _("Federation")
        COMMUNE = "commune", _("Municipality")
        STATE_SERVICE = "service_etat", _("State service")
        ASSOCIATION = "association", _("Association")
        GROUPEMENT = "groupement", _("Groupement of communes")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("identifier"), unique=True, validators=[validate_slug_not_reserved],
        help_text=_("Used in addresses: /identifier/tableau-de-bord/"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SOCIAL_CENTRE)
    address = models.TextField(_("address"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=17, blank=True, validators=[validate_siret])
    domain = models.CharField(
        _("own domain name"), max_length=253, blank=True, null=True, unique=True,
        help_text=_("Optional, for example intranet.centre-social.fr"),
    )
    federations = models.ManyToManyField(
        Federation, blank=True, related_name="organisations", verbose_name=_("federations")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Theme (charte graphique)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    primary_colour = models.CharField(_("main colour"), max_length=7, default="#1d4f91", validators=[hex_colour])
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#b8336a", validators=[hex_colour])
    show_feder_block = models.BooleanField(
        _("show the ERDF (FEDER) publicity block"), default=False,
        help_text=_("EU emblem and the statement that the project is co-financed by the European Union through the ERDF."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def theme_css(self) -> str:
        """The layout's colour variables, every text pair contrast-checked (organisations.theme)."""
        from .theme import css_variables

        return css_variables(self.primary_colour, self.accent_colour)

    def clean(self) -> None:
        errors = {}
        for field in ("primary_colour", "accent_colour"):
            value = getattr(self, field)
            if re.fullmatch(r"#[0-9a-fA-F]{6}", value or "") and contrast_ratio(value, "#ffffff") < 4.5:
                errors[field] = _(
                    "White text on this colour would not be readable enough (contrast %(ratio)s:1, "
                    "at least 4.5:1 is needed). Choose a darker colour."
                ) % {"ratio": f"{contrast_ratio(value, '#ffffff'):.1f}".replace(".", ",")}
        if self.domain:
            self.domain = self.domain.lower().strip()
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_domain = instance.__dict__.get("domain")
        return instance

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:50]
        if self.domain == "":
            self.domain = None
        super().save(*args, **kwargs)
        if self.domain or getattr(self, "_loaded_domain", None):
            forget_host_map()  # an own domain added, changed, removed, or its organisation (de)activated
        self._loaded_domain = self.domain

    def delete(self, *args, **kwargs):
        had_domain = self.domain or getattr(self, "_loaded_domain", None)
        result = super().delete(*args, **kwargs)
        if had_domain:
            forget_host_map()
        return result


def forget_host_map() -> None:
    """The next request reads the organisations' own domains again, on every node (shared cache)."""
    import contextlib

    from django.core.cache import cache

    from .middleware import HOST_MAP_CACHE_KEY

    with contextlib.suppress(Exception):  # a cache outage: the map expires by itself (HOST_MAP_SECONDS)
        cache.delete(HOST_MAP_CACHE_KEY)


class TenantQuerySet(models.QuerySet):
    """The one way to read tenant rows: always narrowed to an organisation."""

    def for_organisation(self, organisation: Organisation | None):
        if organisation is None:
            return self.none()
        return self.filter(organisation=organisation)


class TenantModel(models.Model):
    """Base for every row that belongs to an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class Sector(TenantModel):
    """A sector of an organisation (Secteur Enfance, Cyber Espace, …)."""

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="sector_unique_name_per_organisation")
        ]

    def __str__(self) -> str:
        return self.name
