from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    """Children's health records (fiches sanitaires): encrypted at rest, read by the sector's team, every read audited."""

    name = "maillon.health"
    label = "health"
    verbose_name = _("Health records")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav

        from . import api, checks  # noqa: F401 - the API router and the production key check register themselves
        from .demo import seed_health
        from .policies import can_use

        register_nav("health", _("Health records"), "health:index", icon="shield", order=48, visible_if=can_use)
        register_demo_seeder(seed_health)
