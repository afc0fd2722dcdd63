from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    """Events, plannings, resources and bookings. For now: the resources (rooms, equipment)."""

    name = "maillon.agenda"
    label = "agenda"
    verbose_name = _("Agenda")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav

        from .demo import seed_resources

        register_nav("resources", _("Rooms and equipment"), "agenda:resources", icon="calendar", order=40, primary=True)
        register_demo_seeder(seed_resources)
