from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Meeting types and series, invitations and RSVPs, minutes written together, tasks."""

    name = "maillon.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from datetime import time

        from maillon.core import periodic
        from maillon.core.registry import register_demo_seeder, register_nav, register_panel

        from . import api_minutes, tasks  # noqa: F401  (the minutes' endpoints join the meetings' router of ``api``)
        from .demo import seed_meetings
        from .panels import my_meetings, my_tasks, pending_minutes

        register_nav("meetings", _("Meetings"), "meetings:index", icon="users", order=25)
        register_panel("my_meetings", "meetings/panels/my_meetings.html", order=22, get_context=my_meetings)
        register_panel("my_tasks", "meetings/panels/my_tasks.html", order=23, get_context=my_tasks)
        register_panel("pending_minutes", "meetings/panels/pending_minutes.html", order=24, get_context=pending_minutes)
        register_demo_seeder(seed_meetings)
        periodic.register("meetings.reminders", tasks.send_reminders, "daily", at=time(7, 0))
