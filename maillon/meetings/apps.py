from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Meeting types and series, invitations and RSVPs, minutes written together, tasks."""

    name = "maillon.meetings"
    label = "meetings"
    verbose_name = _("Meetings")
