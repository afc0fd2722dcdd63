"""The organisation's directory (« annuaire »): partners and funders with their contacts,
external facilitators already solicited, funders' portals and useful links. The staff
directory reads the memberships (accounts) and is not stored here."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import TenantModel

phone_validator = RegexValidator(r"^[0-9+().\s-]{6,25}$", _("Enter a phone number, for example 04 72 00 00 00."))


class Partner(TenantModel):
    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Funder")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARTNER)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Separated by commas, e.g. jeunesse, CAF, sport"))

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners and funders")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:partner", kwargs={"org": self.organisation.slug, "pk": self.pk})

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class Contact(TenantModel):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Facilitator(TenantModel):
    """An external facilitator (« animateur déjà sollicité »)."""

    name = models.CharField(_("name"), max_length=200)
    skills = models.CharField(_("skills"), max_length=300, help_text=_("e.g. théâtre, hip-hop, couture"))
    rates = models.CharField(_("rates"), max_length=200, blank=True, help_text=_("e.g. 60 € / heure"))
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    last_mission_on = models.DateField(_("date of the last mission"), null=True, blank=True)
    last_mission = models.CharField(_("last mission"), max_length=300, blank=True)
    internal_comment = models.TextField(_("internal comment"), blank=True, help_text=_("Seen only by the people who edit the directory."))

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators already solicited")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Link(TenantModel):
    class Kind(models.TextChoices):
        FUNDER_PORTAL = "portal", _("Funder portal")
        USEFUL = "useful", _("Useful link for staff")

    class Level(models.TextChoices):
        STATE = "etat", _("State")
        REGION = "region", _("Region")
        DEPARTMENT = "departement", _("Department")
        METROPOLIS = "metropole", _("Metropolis")
        CITY = "ville", _("City")
        CAF = "caf", _("CAF")
        OTHER = "autre", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FUNDER_PORTAL)
    level = models.CharField(_("funder level"), max_length=20, choices=Level.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"))
    notes = models.TextField(_("notes"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["kind", "position", "title"]

    def __str__(self) -> str:
        return self.title
