from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    """Wagtail pages of each organisation: home, sections, news, documents."""

    name = "maillon.content"
    label = "content"
    verbose_name = _("Content")
