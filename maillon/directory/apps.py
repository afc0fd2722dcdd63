from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """Partners, funders, facilitators, funder portals, useful links and the staff directory."""

    name = "maillon.directory"
    label = "directory"
    verbose_name = _("Directory")
