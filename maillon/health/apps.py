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
        register_jobs()


def register_jobs() -> None:
    """The expiry reminder (monthly, acting in June by default) and the retention purge (daily)."""
    from datetime import time

    from maillon.core import periodic
    from maillon.notifications import kinds

    from . import retention, tasks

    kinds.register(retention.REMINDER_KIND, _("Health records to renew"),
                   _("Before the end of the school year: how many records of my sector will expire."), kinds.Channel.IMMEDIATE)
    periodic.register("health.expiry_reminder", tasks.remind_expiring, "monthly", at=time(8, 0))
    periodic.register("health.purge", tasks.purge_past_retention, "daily", at=time(3, 30))
