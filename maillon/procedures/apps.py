from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    """Administrative procedures (démarches): forms built in the back office, submissions, approvals."""

    name = "maillon.procedures"
    label = "procedures"
    verbose_name = _("Procedures")

    def ready(self):
        from maillon.core import periodic
        from maillon.core.registry import register_demo_seeder, register_nav, register_panel

        from . import demo, tasks
        from .panels import mine_panel, queue_panel

        register_nav("procedures", _("Procedures"), "procedures:index", icon="file", order=20, primary=True)
        register_panel("procedures_queue", "procedures/panels/queue.html", order=15, get_context=queue_panel)
        register_panel("procedures_mine", "procedures/panels/mine.html", order=20, get_context=mine_panel)
        periodic.register("procedures.reminders", tasks.send_reminders, "daily", at=time(8, 0))
        periodic.register("procedures.retention_purge", tasks.purge_expired, "daily", at=time(3, 30))
        register_demo_seeder(demo.seed)
        register_booking_hooks()
        from . import demo_public, services_public

        services_public.register_portal()
        register_demo_seeder(demo_public.seed)


def register_booking_hooks() -> None:
    """Vehicle bookings open their procedure and land the booker on its draft (idempotent)."""
    from maillon.agenda import hooks

    from . import booking

    hooks.register_booking_procedure_hook(booking.open_for_booking)
    hooks.register_booking_redirect(booking.redirect_after_booking)
