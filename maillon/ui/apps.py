from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "maillon.ui"
    label = "ui"
    verbose_name = _("Interface")

    def ready(self):
        from . import plug, static_urls  # noqa: F401 - plug registers the foundation's panels and navigation

        static_urls.install()  # {% static %} finds each URL once per process (issue 14)
