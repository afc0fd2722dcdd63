from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    """Events, plannings, rooms and equipment, bookings and the conflict engine."""

    name = "maillon.agenda"
    label = "agenda"
    verbose_name = _("Agenda")

    def ready(self):
        from datetime import time

        from maillon.core import periodic
        from maillon.core.registry import register_demo_seeder, register_nav, register_panel

        from . import tasks
        from .demo import seed_agenda, seed_plannings, seed_resources
        from .panels import my_planning

        register_nav("agenda", _("Planning"), "agenda:index", icon="calendar", order=20, primary=True)
        register_nav("plannings", _("Team plannings"), "agenda:plannings", icon="calendar", order=25)
        register_nav("resources", _("Rooms and equipment"), "agenda:resources", icon="box", order=40)
        register_panel("my_planning", "agenda/panels/my_planning.html", order=20, get_context=my_planning)
        register_demo_seeder(seed_resources)
        register_demo_seeder(seed_agenda)
        register_demo_seeder(seed_plannings)
        periodic.register("agenda.funding_reminders", tasks.send_funding_reminders, "daily", at=time(7, 30))
