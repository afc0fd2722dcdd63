"""The roles of DESIGN.md. A person may hold several, per organisation and per sector."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Salarié·e / animateur·rice")
    SUPERVISOR = "supervisor", _("Encadrant·e")
    COORDINATOR = "coordinator", _("Coordinateur·rice de secteur")
    HR = "hr", _("Pôle ressources humaines")
    DIRECTOR = "director", _("Direction")
    EQUIPMENT_MANAGER = "equipment_manager", _("Gestionnaire du matériel")
    RECEPTION = "reception", _("Accueil / gestion des salles")
    COMMUNICATION = "communication", _("Communication")
    ADMIN = "admin", _("Administration technique")


# Roles that only make sense for given sectors (the sector is then required).
SECTOR_ROLES = {Role.SUPERVISOR, Role.COORDINATOR}
