from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaveConfig(AppConfig):
    """Leave types, append-only ledgers, working-day counting, accruals and balances."""

    name = "maillon.leave"
    label = "leave"
    verbose_name = _("Leave")
