"""Bookable resources of an organisation: rooms and equipment.

People are resources too, through their membership; events, allocations and the conflict
engine come with the plannings issue.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import TenantModel


class Resource(TenantModel):
    class Kind(models.TextChoices):
        ROOM = "room", _("Room")
        EQUIPMENT = "equipment", _("Equipment")

    class Category(models.TextChoices):
        MULTIPURPOSE_ROOM = "multipurpose", _("Multi-purpose room")
        MEETING_ROOM = "meeting", _("Meeting room")
        VEHICLE = "vehicle", _("Vehicle")
        PROJECTOR = "projector", _("Projector")
        LAPTOP = "laptop", _("Laptop")
        OTHER = "other", _("Other equipment")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"), null=True, blank=True)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    location = models.CharField(_("location"), max_length=120, blank=True)
    is_active = models.BooleanField(_("bookable"), default=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="resource_unique_name_per_organisation")]

    def __str__(self) -> str:
        return self.name
