from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Usage statistics without consent banners (issue 16, seed 001)."""

    name = "maillon.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from datetime import time

        from maillon.core import periodic
        from maillon.core.registry import register_demo_seeder, register_nav

        from . import api, tasks  # noqa: F401  (api registers its router)
        from .demo import seed_stats
        from .policies import READER_ROLES

        register_nav("stats", _("Statistics"), "stats:index", icon="chart", order=90, roles=READER_ROLES)
        register_demo_seeder(seed_stats)
        periodic.register("stats.aggregate_today", tasks.aggregate_today, "hourly")
        periodic.register("stats.aggregate_daily", tasks.aggregate_daily, "daily", at=time(1, 30))
