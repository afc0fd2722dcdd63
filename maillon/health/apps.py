from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    """Children's health records (fiches sanitaires): encrypted at rest, read by the sector's team, every read audited."""

    name = "maillon.health"
    label = "health"
    verbose_name = _("Health records")

    def ready(self):
        from . import checks  # noqa: F401 - registers the production key check
