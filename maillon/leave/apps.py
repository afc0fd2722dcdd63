from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaveConfig(AppConfig):
    """Leave types, append-only ledgers, working-day counting, accruals and balances."""

    name = "maillon.leave"
    label = "leave"
    verbose_name = _("Leave")

    def ready(self):
        from maillon.core import periodic
        from maillon.core.registry import register_demo_seeder, register_nav, register_panel

        from . import tasks
        from .demo import seed_leave
        from .panels import balance_panel
        from .policies import LEDGER_ROLES

        register_nav("leave", _("My leave"), "leave:mine", icon="sun", order=25, primary=True)
        register_nav("leave_team", _("Team leave"), "leave:team", icon="users", order=205, roles=LEDGER_ROLES)
        register_panel("leave", "leave/panels/balance.html", order=15, get_context=balance_panel)
        periodic.register("leave.monthly_accrual", tasks.monthly_accrual, "monthly", at=time(1, 30))
        periodic.register("leave.period_change", tasks.period_change, "daily", at=time(1, 45))
        register_demo_seeder(seed_leave)
