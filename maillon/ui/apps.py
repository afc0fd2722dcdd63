from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "maillon.ui"
    label = "ui"
    verbose_name = _("Interface")

    def ready(self):
        from . import plug  # noqa: F401 - registers the foundation's panels and navigation
