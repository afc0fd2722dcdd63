from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """Reception desk: phone messages with read receipts, visitor notices per sector (seed 001 §3.5)."""

    name = "maillon.reception"
    label = "reception"
    verbose_name = _("Reception desk")

    def ready(self):
        from datetime import time

        from maillon.core import periodic
        from maillon.core.registry import register_demo_seeder, register_dock, register_nav
        from maillon.notifications import kinds

        from . import api, tasks  # noqa: F401  (api registers its router)
        from .demo import seed_reception
        from .policies import SENDER_ROLES

        # In the app and on the person's devices at once (push); the e-mail is the fallback of
        # tasks.py, after the organisation's delay, so no channel to choose on the settings page.
        kinds.register("reception.message", _("Phone messages"), _("Reception took a phone message for me."),
                       kinds.Channel.IN_APP, configurable=False, push=True)
        kinds.register("reception.notice", _("Visitors"), _("Someone came to reception for my sector."),
                       kinds.Channel.IN_APP, configurable=False, push=True)
        register_nav("reception", _("Messages"), "reception:history", icon="inbox", order=60)
        register_dock("reception", "reception/dock.html", roles=SENDER_ROLES)
        register_demo_seeder(seed_reception)
        periodic.register("reception.email_fallback", tasks.send_overdue_emails, "hourly")
        periodic.register("reception.purge", tasks.purge_old, "daily", at=time(3, 15))
