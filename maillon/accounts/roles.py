"""The roles of DESIGN.md. A person may hold several, per organisation and per sector."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Staff member / youth worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    COORDINATOR = "coordinator", _("Sector coordinator")
    HR = "hr", _("Human resources")
    DIRECTOR = "director", _("Director")
    EQUIPMENT_MANAGER = "equipment_manager", _("Equipment manager")
    RECEPTION = "reception", _("Reception / room manager")
    COMMUNICATION = "communication", _("Communication officer")
    ADMIN = "admin", _("Technical administrator")


# Roles that only make sense for given sectors (the sector is then required).
SECTOR_ROLES = {Role.SUPERVISOR, Role.COORDINATOR}
